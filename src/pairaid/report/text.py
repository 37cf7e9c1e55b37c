"""The report's words in English and Chinese. Section titles and the page's words live with the
charts' labels in `pairaid.report.i18n.LABELS` (one table, checked by one test); here are the
Chinese names of ledger keys (figures, units, audit checks) and `say` for sentences: sentences
with numbers in them are written next to their numbers in the section modules (one
`say(lang, en, zh)` per sentence), so a translator sees both at once."""

from __future__ import annotations

from pairaid.report.i18n import label

FIGURE_LABELS_ZH = {
    "funds_committed": "承诺援助资金",
    "funds_disbursed": "实际拨付援助资金",
    "disbursement_ratio": "拨付/承诺",
    "investment_secured": "引进投资",
    "enterprises": "引进企业",
    "enterprise_investment": "引进企业投资额",
    "enterprise_jobs": "引进企业就业岗位",
    "personnel": "选派干部人才（人年，逐年累加）",
    "person_months": "干部人才工作时间",
    "projects": "开工项目",
    "projects_completed": "其中已完工",
    "gdp_multiple": "地区生产总值，末年/首年",
    "gdp_cagr": "地区生产总值年均增速",
    "rural_income_gain": "农村居民人均可支配收入增加额",
    "rural_income_growth": "农村居民人均可支配收入增幅",
}

#: audit checks and severities, and the Goodman-Bacon comparison types, in Chinese (the
#: findings' own sentences come from the audit in English)
CHECKS_ZH = {
    "cost_per_output": "单位产出成本", "cost_outliers": "成本异常值", "disbursement_ratio": "拨付比例",
    "disbursement_ratio_by_donor": "各援助方拨付比例", "project_delays": "项目延期",
    "output_shortfall": "产出不足", "budget_overrun": "预算超支", "exact_duplicates": "完全重复",
    "near_duplicates": "近似重复", "round_numbers": "整数金额", "benford_first": "本福特首位数字",
    "benford_first_two": "本福特前两位数字", "missing_county_years": "县年数据缺失",
    "observations_without_source": "无来源的观测值", "flows_without_source": "无来源的资金记录",
    "alert": "警报", "warning": "提示", "info": "信息",
    "earlier_vs_later": "早受援对晚受援", "later_vs_earlier": "晚受援对早受援（以已受援为对照）",
    "treated_vs_never": "受援对从未受援",
}

UNITS_ZH = {"person-years": "人年", "person-months": "人月", "jobs": "个", "count": "个",
            "CNY per person": "元/人"}

#: the ledger's own source labels and notes of the headline figures, in Chinese (a source that
#: is not the ledger — a published document — stays verbatim, labelled as the original)
SOURCES_ZH = {
    "ledger: flow table": "台账：资金表（flow）",
    "ledger: enterprise table": "台账：企业表（enterprise）",
    "ledger: personnel table": "台账：人员表（personnel）",
    "ledger: project table": "台账：项目表（project）",
    "ledger: observations of gdp": "台账：地区生产总值观测值（gdp）",
    "ledger: observations of rural_income": "台账：农村居民人均可支配收入观测值（rural_income）",
    "a person serving two years counts twice": "一人服务两年计为两人年",
}


def word(key: str, lang: str, **fields) -> str:
    """A word of the page (``report.KEY`` in `pairaid.report.i18n.LABELS`)."""
    return label(f"report.{key}", lang, **fields)


def title(section: str, lang: str) -> str:
    """A section's title (``section.ID`` in `pairaid.report.i18n.LABELS`)."""
    return label(f"section.{section}", lang)


def say(lang: str, en: str, zh: str) -> str:
    """One sentence in the report's language (both are written side by side at the call)."""
    return zh if lang == "zh" else en
