"""The dashboard's own words (navigation, forms, labels) in English and Chinese.

Sentences about the data never come from here: they are the report's findings, rendered per
language by `pairaid.readings`. These are the words around them.
"""

from __future__ import annotations

from pairaid.report.i18n import check_lang


def _pair(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


WORDS: dict[str, dict[str, str]] = {
    "app": _pair("pairaid dashboard", "pairaid 数据看板"),
    "page.overview": _pair("Verdict and headline", "结论与概况"),
    "page.map": _pair("Map", "地图"),
    "page.flows": _pair("Flows by donor and year", "按支援方和年份的资金"),
    "page.index": _pair("Index", "指数"),
    "page.effects": _pair("Effects", "效果"),
    "page.distribution": _pair("Distribution", "分配"),
    "page.audit": _pair("Audit", "审计"),
    "page.approvals": _pair("Approval queue", "审批队列"),
    "page.enter": _pair("Enter data", "录入数据"),
    "page.login": _pair("Log in", "登录"),
    "nav": _pair("Pages", "页面"),
    "language": _pair("Language", "语言"),
    "filters": _pair("Filters", "筛选"),
    "filter.prefecture": _pair("Prefecture", "地州"),
    "filter.donor": _pair("Donor", "支援方"),
    "filter.year_from": _pair("From year", "起始年份"),
    "filter.year_to": _pair("To year", "截止年份"),
    "filter.sector": _pair("Sector (DAC code)", "领域（DAC 代码）"),
    "filter.all": _pair("all", "全部"),
    "filter.apply": _pair("Apply", "应用"),
    "filter.clear": _pair("Clear", "清除"),
    "filter.none": _pair("none: the whole ledger", "无：整个账本"),
    "filter.error": _pair("The filters cannot be applied", "无法应用筛选"),
    "label.data": _pair("Data", "数据"),
    "label.synthetic": _pair("SYNTHETIC demo ledger", "合成演示账本"),
    "label.real": _pair("ledger as recorded", "账本所录数据"),
    "label.fingerprint": _pair("ledger fingerprint", "账本指纹"),
    "label.coverage": _pair("Coverage", "覆盖范围"),
    "label.filters": _pair("Filters", "筛选条件"),
    "label.built": _pair("figures computed in {seconds} s, then cached",
                         "数据计算用时 {seconds} 秒，此后缓存"),
    "data_behind": _pair("data behind the chart (CSV)", "图表数据（CSV）"),
    "see_section": _pair("see the section", "查看该部分"),
    "design_warnings": _pair("Design warnings", "设计警示"),
    "no_section": _pair("The ledger (with these filters) cannot support this part; the data "
                        "gaps page says why.",
                        "账本（在当前筛选条件下）无法支持此部分；原因见数据缺口部分。"),
    "login.token": _pair("API token", "API 令牌"),
    "login.submit": _pair("Log in", "登录"),
    "login.failed": _pair("That token is not valid.", "该令牌无效。"),
    "login.blocked": _pair("Too many failed attempts from this address; try again in {seconds} s.",
                           "此地址登录失败次数过多；请在 {seconds} 秒后重试。"),
    "login.hint": _pair("The token `pairaid users add` printed for you. It is checked once and "
                        "not kept in the browser.",
                        "即 `pairaid users add` 为您生成的令牌。仅在登录时核验一次，不保存在浏览器中。"),
    "login.as": _pair("Logged in as {name} ({role})", "已登录：{name}（{role}）"),
    "logout": _pair("Log out", "退出"),
    "csrf.failed": _pair("The form has expired or did not come from this site; reload the "
                         "page and submit it again.",
                         "表单已过期或并非来自本网站；请刷新页面后重新提交。"),
    "form.submit": _pair("Save as draft", "保存为草稿"),
    "form.saved": _pair("Saved as a draft: it counts in the figures once approved.",
                        "已保存为草稿：审批通过后计入数据。"),
    "form.nothing_written": _pair("Nothing was written: correct the fields marked below.",
                                  "未写入任何数据：请更正下方标出的字段。"),
    "form.optional": _pair("optional", "可选"),
    "form.outside_scope": _pair("{name} may enter records only within {scope}.",
                                "{name} 只能录入 {scope} 范围内的记录。"),
    "table.flows": _pair("Flows (money)", "资金流"),
    "table.observations": _pair("Observations (indicators)", "指标观测值"),
    "table.pairings": _pair("Pairings", "结对关系"),
    "table.projects": _pair("Projects", "项目"),
    "table.outputs": _pair("Project outputs", "项目产出"),
    "table.personnel": _pair("Personnel", "援派人员"),
    "table.enterprises": _pair("Enterprises", "企业"),
    "table.coverage": _pair("Coverage declarations", "覆盖声明"),
    "form.need_login": _pair("Log in with an editor's token to enter data.",
                             "请使用编辑者令牌登录后录入数据。"),
    "queue.empty": _pair("Nothing waits for approval.", "没有待审批的记录。"),
    "queue.approve": _pair("Approve", "批准"),
    "queue.return": _pair("Return", "退回"),
    "queue.comment": _pair("Comment", "意见"),
    "queue.record": _pair("Record", "记录"),
    "queue.by": _pair("Entered by", "录入人"),
    "queue.when": _pair("When", "时间"),
    "queue.intro": _pair("Drafts and returned records wait here; the figures count them once "
                         "approved. A return needs a comment saying what to fix.",
                         "草稿和被退回的记录在此等待；批准后计入数据。退回须附意见，说明应更正之处。"),
    "queue.state": _pair("State", "状态"),
    "queue.history": _pair("history", "历史"),
    "queue.decision": _pair("Decision", "决定"),
    "queue.shown": _pair("{shown} of {total} shown", "显示 {total} 条中的 {shown} 条"),
    "queue.done.approve": _pair("Approved: the record now counts in the figures.",
                                "已批准：该记录现已计入数据。"),
    "queue.done.return": _pair("Returned to its author with your comment.",
                               "已连同您的意见退回录入人。"),
    "queue.bad_request": _pair("That approval request names no record table or action.",
                               "该审批请求未指明记录表或操作。"),
    "history.title": _pair("History of {table} {record}", "{table} {record} 的历史"),
    "history.empty": _pair("The journal holds no entry for this record.",
                           "日志中没有该记录的条目。"),
    "history.actor": _pair("Who", "操作人"),
    "history.action": _pair("What", "操作"),
    "history.before": _pair("Before", "修改前"),
    "history.after": _pair("After", "修改后"),
    "history.hash": _pair("Entry hash", "条目哈希"),
    "history.when": _pair("When", "时间"),
    "history.comment": _pair("Comment", "意见"),
    "history.changes": _pair("Changes", "变更"),
    "history.bulk": _pair("part of a bulk write (one entry for many rows)",
                          "批量写入的一部分（多行共用一个条目）"),
    "not_found": _pair("No such page.", "没有这个页面。"),
    "history.refused": _pair("A record's history is shown to its editors, approvers and admins.",
                             "记录的历史仅向其录入员、审批人和管理员显示。"),
}


def t(key: str, lang: str, **fields: object) -> str:
    """The word `key` in `lang` (fields filled in)."""
    text = WORDS[key][check_lang(lang)]
    return text.format(**fields) if fields else text
