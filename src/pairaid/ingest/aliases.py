"""What offices call the columns and the coded values: Chinese and English spreadsheet aliases.

One source for three readers: the importer recognises these headers and values, the Chinese
template writes the first alias of each column as its header, and the template notes list the
Chinese value names. A header is compared after `header_key` (full-width folded, case and spaces
dropped, a unit in brackets taken off), so `金额（万元）`, `金额(万元)` and `金 额` are one header.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from pairaid.ingest.tables import TABLES

# Column → (Chinese template header, other names). The Chinese header comes first.
_COMMON: dict[str, tuple[str, ...]] = {
    "donor": ("援助方", "援助省市", "支援方", "支援省市", "对口支援省市", "援疆省市", "援藏省市",
              "援助单位", "支援单位", "援助方名称", "donor name", "donor province", "supporting province"),
    "recipient": ("受援地", "受援县", "受援方", "受援地区", "受援县市", "受援县(市)", "受援县市区",
                  "受援单位", "受援地名称", "recipient county", "recipient region"),
    "year": ("年份", "年度", "年", "时间", "日期", "fiscal year", "date"),
    "currency": ("币种", "货币", "币别", "ccy"),
    "sector": ("领域", "行业", "投向", "援助领域", "sector code", "purpose code", "dac sector"),
    "source": ("资料来源", "来源", "数据来源", "出处", "data source"),
    "ref": ("编号", "凭证号", "业务编号", "文号", "reference", "ref no", "reference number"),
    "round": ("轮次", "批次", "援助轮次", "programme round"),
    "note": ("备注", "说明", "notes", "remark", "remarks"),
    "project": ("项目编号", "项目代码", "project code", "project id"),
    "start_year": ("起始年份", "开始年份", "起始年", "start", "from year"),
    "end_year": ("结束年份", "终止年份", "结束年", "end", "to year"),
    "name_zh": ("中文名称", "名称", "中文名", "chinese name", "name (chinese)"),
    "name_en": ("英文名称", "英文名", "english name", "name (english)"),
    "code": ("代码", "编码", "id"),
    "unit": ("单位", "计量单位", "units"),
    "value": ("数值", "值", "数据"),
    "flag": ("标记", "质量标记", "quality flag"),
}

# Table-specific names (they win over the common ones: 类型 is a flow kind but a donor kind too).
_BY_TABLE: dict[str, dict[str, tuple[str, ...]]] = {
    "regions": {
        "code": ("区划代码", "行政区划代码", "代码", "编码", "region code"),
        "name_zh": ("中文名称", "地区名称", "名称", "中文名"),
        "level": ("级别", "行政级别", "层级", "administrative level"),
        "parent_code": ("上级代码", "上级区划代码", "上级", "parent", "parent region"),
        "valid_from": ("启用年份", "起始年份", "valid from year"),
        "valid_to": ("停用年份", "终止年份", "valid to year"),
    },
    "crosswalk": {
        "old_code": ("旧代码", "原代码", "原区划代码", "old"),
        "new_code": ("新代码", "现代码", "新区划代码", "new"),
        "year": ("变更年份", "年份", "年度"),
        "note": ("说明", "备注"),
    },
    "donors": {
        "code": ("援助方代码", "代码", "编码", "donor code"),
        "kind": ("类型", "援助方类型", "类别", "donor kind", "type"),
    },
    "pairings": {
        "recipient": ("受援地", "受援县", "受援方", "受援地区", "受援县市"),
    },
    "projects": {
        "code": ("项目编号", "项目代码", "编号", "project code"),
        "title": ("项目名称", "名称", "project name", "project title"),
        "start_year": ("开工年份", "起始年份", "开始年份", "开工年度"),
        "end_year": ("完工年份", "竣工年份", "结束年份", "完工年度"),
        "budget": ("预算", "总投资", "计划投资", "概算", "项目投资"),
        "status": ("状态", "项目状态", "建设状态", "进展"),
    },
    "outputs": {
        "indicator": ("指标", "产出指标", "指标名称"),
        "baseline": ("基期值", "基线值", "基数"),
        "target": ("目标值", "计划值", "目标"),
        "actual": ("实际值", "完成值", "实际完成"),
    },
    "flows": {
        "kind": ("资金类型", "类型", "资金性质", "类别", "flow type", "type"),
        "amount": ("金额", "资金", "援助资金", "资金额", "资金数额", "拨付金额", "amount (cny)", "value"),
    },
    "personnel": {
        "category": ("人员类别", "类别", "人员类型", "type"),
        "headcount": ("人数", "人员数", "选派人数", "number of people", "people"),
        "person_months": ("人月数", "工作月数", "person months"),
    },
    "enterprises": {
        "origin": ("来源地", "企业来源地", "援助方", "援助省市", "from"),
        "destination": ("落户地", "受援地", "受援县", "to"),
        "year": ("引进年份", "年份", "年度"),
        "count": ("企业数", "企业数量", "企业个数", "number of enterprises", "enterprises"),
        "investment": ("投资额", "到位资金", "投资", "实际投资"),
        "jobs": ("就业人数", "带动就业", "吸纳就业", "jobs created"),
    },
    "indicators": {
        "code": ("指标代码", "代码", "编码", "indicator code"),
        "name_zh": ("中文名称", "指标名称", "名称"),
        "direction": ("方向", "指标方向", "polarity"),
        "dimension": ("维度", "领域", "pillar"),
        "aggregation": ("汇总方式", "聚合方式", "aggregate"),
    },
    "coverage": {
        "year_from": ("完整起始年份", "起始年份", "开始年份", "from year", "complete from"),
        "year_to": ("完整截止年份", "截止年份", "结束年份", "to year", "complete to"),
    },
    "observations": {
        "region": ("地区", "区划代码", "县", "县市", "地区名称", "region code"),
        "indicator": ("指标", "指标代码", "indicator code"),
    },
    "rates": {
        "base": ("基准币种", "本币", "base currency"),
        "rate": ("汇率", "exchange rate"),
    },
    "prices": {
        "code": ("指数代码", "代码", "index code"),
        "value": ("指数值", "指数", "index"),
    },
}

#: Columns holding money: a unit in the header, a unit row or `--amount-unit` scales them.
MONEY_COLUMNS = {"flows": ("amount",), "projects": ("budget",), "enterprises": ("investment",)}

#: Coded values under their Chinese (and common English) names, per column.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "kind": {  # flow kinds
        "承诺": "commitment", "承诺资金": "commitment", "计划": "commitment", "计划资金": "commitment",
        "协议": "commitment", "协议资金": "commitment", "拨付": "disbursement",
        "拨付资金": "disbursement", "已拨付": "disbursement", "到位": "disbursement",
        "到位资金": "disbursement", "下达": "disbursement", "下达资金": "disbursement",
        "支出": "expenditure", "实际支出": "expenditure", "已支出": "expenditure",
        "完成投资": "expenditure", "招商引资": "investment_secured", "引进资金": "investment_secured",
        "引资": "investment_secured", "investment secured": "investment_secured",
    },
    "category": {
        "干部": "cadre", "党政干部": "cadre", "教师": "teacher", "医生": "doctor",
        "医疗人员": "doctor", "医务人员": "doctor", "技术人员": "technician",
        "专业技术人员": "technician", "专家": "expert", "其他": "other",
    },
    "level": {
        "国家": "country", "省": "province", "省级": "province", "自治区": "province",
        "直辖市": "province", "地级": "prefecture", "地区": "prefecture", "州": "prefecture",
        "地级市": "prefecture", "自治州": "prefecture", "县": "county", "县级": "county",
        "县级市": "county", "区": "county", "市辖区": "county", "乡镇": "township",
        "乡": "township", "镇": "township", "村": "village", "兵团": "corps", "师": "corps_division",
        "兵团师": "corps_division",
    },
    "donor_kind": {
        "省": "province", "自治区": "province", "直辖市": "municipality", "市": "city",
        "中央部门": "central_department", "中央单位": "central_department", "部委": "central_department",
        "国有企业": "state_owned_enterprise", "央企": "state_owned_enterprise",
        "中央企业": "state_owned_enterprise", "其他": "other",
    },
    "status": {
        "计划": "planned", "规划": "planned", "拟建": "planned", "在建": "ongoing",
        "实施中": "ongoing", "建设中": "ongoing", "完工": "completed", "已完成": "completed",
        "竣工": "completed", "已竣工": "completed", "完成": "completed", "取消": "cancelled",
        "已取消": "cancelled", "暂停": "suspended", "停工": "suspended", "缓建": "suspended",
    },
    "aggregation": {"求和": "sum", "加总": "sum", "合计": "sum", "人口加权平均": "pop_mean"},
    "direction": {"正向": "1", "正": "1", "负向": "-1", "逆向": "-1", "负": "-1", "中性": "0",
                  "适度": "0"},
    "sector": {
        "农业": "311", "农业发展": "31120", "水利": "31140", "农田水利": "31140", "林业": "312",
        "渔业": "313", "工业": "321", "产业": "321", "产业发展": "321", "矿业": "322",
        "建筑": "323", "贸易": "331", "商贸": "331", "旅游": "332", "教育": "111",
        "基础教育": "112", "职业教育": "113", "中等教育": "113", "高等教育": "114",
        "教育设施": "11120", "卫生": "121", "医疗": "121", "医疗卫生": "121", "基本医疗": "122",
        "基层医疗": "12220", "饮水": "140", "供水": "140", "安全饮水": "140", "供水排水": "140",
        "交通": "210", "道路": "21020", "公路": "21020", "通信": "220", "电力": "23630",
        "电网": "23630", "金融": "240", "环保": "410", "环境保护": "410", "生态": "410",
        "生态环境": "410", "住房": "16030", "安居": "16030", "安居富民": "16030",
        "保障性住房": "16030", "就业": "16020", "就业创业": "16020", "社会保障": "16010",
        "文化": "16061", "文化体育": "16061", "城镇建设": "43030", "城市建设": "43030",
        "城乡建设": "43030", "乡村振兴": "43040", "农村发展": "43040", "扶贫": "43040",
        "脱贫攻坚": "43040", "干部培训": "15110", "人才培训": "15110", "救灾": "720",
        "灾后重建": "730", "防灾减灾": "740",
    },
}


def value_aliases(table: str, column: str) -> dict[str, str]:
    """The Chinese value names of one coded column (empty when it has none)."""
    if table == "donors" and column == "kind":
        return VALUE_ALIASES["donor_kind"]
    if column == "kind" and table != "flows":
        return {}
    if TABLES[table].column(column).type == "sector":
        return VALUE_ALIASES["sector"]
    return VALUE_ALIASES.get(column, {})


_BRACKETED = re.compile(r"^(.*?)[\(\[]([^()\[\]]*)[\)\]]\s*$")
_SPACES = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    """Full-width forms to ASCII (ＡＢＣ１２３，（）), as an office's input method types them."""
    return unicodedata.normalize("NFKC", text)


def split_header(text: str) -> tuple[str, str]:
    """`金额（万元）` → ('金额', '万元'); a header without a bracketed part has unit ''."""
    folded = fold(str(text)).strip()
    match = _BRACKETED.match(folded)
    if match and match.group(1).strip():
        return match.group(1).strip(), match.group(2).strip()
    return folded, ""


def header_key(text: str) -> str:
    """The comparable form of a header: folded, lower case, no spaces, underscores or unit."""
    base, _ = split_header(text)
    return _SPACES.sub("", base.lower())


def chinese_header(table: str, column: str) -> str:
    """The header the Chinese template writes for a column."""
    names = _BY_TABLE.get(table, {}).get(column) or _COMMON.get(column) or ()
    chinese = [n for n in names if re.search(r"[\u4e00-\u9fff]", n)]
    return chinese[0] if chinese else column


@cache
def header_lookup(table: str) -> dict[str, str]:
    """header_key(any accepted header) → column name, for one table."""
    spec = TABLES[table]
    lookup: dict[str, str] = {}
    for column in spec.column_names:  # the column's own name and its spaced/capitalised forms
        lookup[header_key(column)] = column
    for column in spec.column_names:
        for name in _BY_TABLE.get(table, {}).get(column, ()):
            lookup.setdefault(header_key(name), column)
    for column in spec.column_names:
        for name in _COMMON.get(column, ()):
            lookup.setdefault(header_key(name), column)
    return lookup


def aliases_of(table: str, column: str) -> tuple[str, ...]:
    """Every name a column is recognised under (for notes and docs)."""
    lookup = header_lookup(table)
    names = [*_BY_TABLE.get(table, {}).get(column, ()), *_COMMON.get(column, ())]
    return tuple(dict.fromkeys(n for n in names if lookup.get(header_key(n)) == column))
