/*
 * messages_zh.c - the operations API's messages in Chinese
 * (loandesk/messages.h): three tables, read in this order.
 *
 *   whole: a message matched as a whole ("permission denied: ...", "cannot
 *          approve application 7: it is draft");
 *   problems: the problem after a field ("amount: must be positive"), the
 *          field named by its Chinese name;
 *   phrases: values carried into a translation that have a Chinese name of
 *          their own (states, workflow events, the reasons approval gives).
 *
 * A pattern's '*' matches any text (the shortest, but the last one, which
 * runs to the end) and is written back as %1..%4 in the same order. The
 * outcome of an operation never depends on this file: it rewords.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "loandesk/messages.h"

typedef struct text_pair {
    const char *en, *zh;
} text_pair;

static const text_pair whole[] = {
    {"permission denied: * exceeds your authority limit of *; a higher approver must decide",
     "无权操作：%1 超出您的审批权限 %2，须由更高权限的审批人决定"},
    {"permission denied: you created application *; another reviewer must decide",
     "无权操作：申请 %1 由您创建，须由其他审查人决定"},
    {"permission denied: the customer of application * is assigned to you",
     "无权操作：申请 %1 的客户由您管户，须由他人决定"},
    {"permission denied: you overrode the grade of application *'s rating; another reviewer or "
     "manager must approve it",
     "无权操作：您调整过申请 %1 的评级等级，须由其他审查人或审批经理批准"},
    {"permission denied: *; only a manager may approve it", "无权操作：%1，只有审批经理可以批准"},
    {"permission denied: reviewers see applications once they are submitted",
     "无权操作：申请提交后审查人方可查看"},
    {"permission denied: reviewers refer applications to a manager",
     "无权操作：只有审查人可将申请提交审批经理"},
    {"permission denied: *", "无权操作（%1）"},
    {"cannot submit application *: no pre-loan investigation is recorded*",
     "无法提交申请 %1：尚未录入贷前调查"},
    {"cannot * application *: it is *", "无法对申请 %2 执行“%1”：当前状态为“%3”"},
    {"cannot override the rating of application *: it is *",
     "无法调整申请 %1 的评级：当前状态为“%2”"},
    {"borrower * does not exist", "借款人 %1 不存在"},
    {"application * does not exist", "申请 %1 不存在"},
    {"loan * does not exist", "贷款 %1 不存在"},
    {"user * does not exist", "用户 %1 不存在"},
    {"session: log in first*", "会话：请先登录"},
    {"body: larger than * bytes", "请求体：超过 %1 字节"},
    {"body: must be one JSON object", "请求体：须为一个 JSON 对象"},
    {"content_type: send application/json", "内容类型：请以 application/json 发送"},
    {"busy: too many logins waiting; retry", "繁忙：等待登录的请求过多，请重试"},
};

static const text_pair problems[] = {
    {"is required", "必须填写"},
    {"is missing", "必须填写"},
    {"must be positive", "须大于零"},
    {"must not be negative", "不得为负数"},
    {"must not be empty", "不得为空"},
    {"must be a whole number", "须为整数"},
    {"must be true or false", "须为 true 或 false"},
    {"must be a date string YYYY-MM-DD", "须为日期，格式 YYYY-MM-DD"},
    {"must be a date written YYYY-MM-DD", "须为日期，格式 YYYY-MM-DD"},
    {"* is not a real date between * and *", "%1 不是 %2 至 %3 年间的有效日期"},
    {"must be between * and *", "须在 %1 至 %2 之间"},
    {"must be one of *", "须为以下之一：%1"},
    {"money must be a decimal string such as *", "金额须为小数字符串，例如 %1"},
    {"a rate must be a decimal string such as *", "利率须为小数字符串，例如 %1"},
    {"must be a decimal string", "须为小数字符串"},
    {"must have at most * bytes", "最多 %1 字节"},
    {"a resident ID has 18 characters", "居民身份证号码为 18 位"},
    {"a unified social credit code has 18 characters", "统一社会信用代码为 18 位"},
    {"check character is *, expected * (GB 11643)", "校验码为 %1，应为 %2（GB 11643）"},
    {"check character is *, expected * (GB 32100)", "校验码为 %1，应为 %2（GB 32100）"},
    {"the first 17 characters must be digits", "前 17 位须为数字"},
    {"only digits and capital letters other than I, O, S, V, Z are allowed",
     "只允许数字和除 I、O、S、V、Z 以外的大写字母"},
    {"birth date * is in the future", "出生日期 %1 晚于今天"},
    {"product * lends * to *", "产品 %1 的金额须在 %2 至 %3 之间"},
    {"product * allows * to * months in whole * periods",
     "产品 %1 的期限须为 %2 至 %3 个月，且为整%4"},
    {"* % is above the policy's rate ceiling of * % (at most 4 x the 1-year LPR)",
     "%1% 高于政策利率上限 %2%（上限不超过一年期 LPR 的 4 倍）"},
    {"* % is below the policy's rate floor of * % *",
     "%1% 低于政策利率下限 %2%（不放款的等级没有利率，违背评级批准时须写明利率）"},
    {"*; the approval needs a written reason", "%1，批准须填写书面理由"},
    {"* needs a reason", "须填写理由"},
    {"must not be before *", "不得早于 %1"},
    {"must not be below *", "不得低于 %1"},
    {"must not be in the future", "不得晚于今天"},
    {"must be a JSON object", "须为 JSON 对象"},
    {"must be an object", "须为 JSON 对象"},
    {"must be a string", "须为字符串"},
    {"is not a known field", "不是可识别的字段"},
    {"must not exceed 100 (percent a year)", "不得超过 100（年利率百分比）"},
    {"must not exceed * yuan", "不得超过 %1 元"},
    {"must be a borrower's id", "须为借款人编号"},
    {"\"*\" is not a number of days", "“%1”不是天数"},
    {"must be a whole number of months, 1 to *", "须为 1 至 %1 的整月数"},
    {"must be 0 when the fee method is none", "不收费时须为 0"},
    {"before the loan was disbursed (*)", "早于放款日（%1）"},
    {"the * grade * of application * does not lend, so the policy gives no rate; complete its "
     "facts or rate it",
     "申请 %3 的%1等级 %2 不予放贷，政策未给出利率；请补全资料或进行评级"},
};

static const text_pair phrases[] = {
    {"draft", "草稿"},
    {"submitted", "已提交"},
    {"rated", "已评级"},
    {"approved", "已批准"},
    {"rejected", "已拒绝"},
    {"withdrawn", "已撤回"},
    {"disbursed", "已放款"},
    {"edit", "修改"},
    {"submit", "提交"},
    {"rate", "评级"},
    {"approve", "批准"},
    {"reject", "拒绝"},
    {"withdraw", "撤回"},
    {"disburse", "放款"},
    {"return", "退回补充材料"},
    {"refer", "提交审批经理"},
    {"monthly", "月"},
    {"quarterly", "季"},
    {"the rating referred it", "评级建议提交上级"},
    {"the rating declined it", "评级建议拒绝"},
    {"the amount is above the rating's recommendation", "金额高于评级建议"},
    {"the term is longer than the rating's recommendation", "期限长于评级建议"},
    {"the rate is below the rating's recommendation", "利率低于评级建议"},
    {"a return", "退回"},
    {"indicative", "预估"},
    {"a referral", "提交审批经理"},
};

static const text_pair fields[] = {
    {"amount", "金额"},
    {"term", "期限"},
    {"term_months", "期限（月）"},
    {"rate", "利率"},
    {"reason", "理由"},
    {"name", "名称"},
    {"kind", "类型"},
    {"id_number", "证件号码"},
    {"credit_code", "统一社会信用代码"},
    {"phone", "电话"},
    {"address", "地址"},
    {"industry", "行业"},
    {"borrower_id", "借款人编号"},
    {"product", "产品"},
    {"method", "还款方式"},
    {"purpose", "用途"},
    {"guaranteed_amount", "担保金额"},
    {"net_assets", "净资产"},
    {"outstanding_guarantees", "已对外担保"},
    {"appraised_value", "评估价值"},
    {"appraisal_date", "评估日期"},
    {"appraiser", "评估机构"},
    {"certificate_no", "权证编号"},
    {"owner_name", "所有权人"},
    {"lien_rank", "抵押顺位"},
    {"site_visit_date", "实地调查日期"},
    {"date", "日期"},
    {"start", "起始日"},
    {"principal", "本金"},
    {"grade", "等级"},
    {"state", "状态"},
    {"category", "五级分类"},
    {"password", "密码"},
    {"new_password", "新密码"},
    {"current_password", "当前密码"},
    {"username", "用户名"},
    {"monthly_income", "月收入"},
    {"registered_capital", "注册资本"},
    {"years_in_business", "经营年限"},
    {"industry_risk_class", "行业风险等级"},
    {"fee", "费用"},
    {"fee_amount", "费用金额"},
    {"fee_method", "收费方式"},
    {"officer", "客户经理"},
    {"limit", "每页条数"},
    {"after", "翻页位置"},
    {"min_dpd", "最少逾期天数"},
    {"returned", "已退回"},
    {"referred", "已提交审批经理"},
    {"session", "会话"},
    {"key_password", "密钥密码"},
    {"ca_fingerprint", "CA 指纹"},
    {"workbook", "工作簿"},
    {"signature", "签名"},
};

static const char *lookup(const text_pair *table, size_t count, const char *en)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(table[i].en, en) == 0)
            return table[i].zh;
    return NULL;
}

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

const char *ld_field_zh(const char *field)
{
    return field != NULL ? lookup(fields, COUNT(fields), field) : NULL;
}

const char *ld_code_zh(ld_status code)
{
    switch (code) {
    case LD_OK:
        return "成功";
    case LD_EUSAGE:
        return "缺少参数";
    case LD_EINVAL:
        return "输入无效";
    case LD_EPERM:
        return "无权操作";
    case LD_ENOTFOUND:
        return "未找到";
    case LD_ESTATE:
        return "当前状态不允许此操作";
    case LD_EVERIFY:
        return "校验未通过";
    default:
        return "内部错误";
    }
}

/* ---- Matching -------------------------------------------------------------- */

#define CAPTURES 4

typedef struct capture {
    const char *at;
    size_t len;
} capture;

/* Whether text matches pattern, '*' capturing (shortest first, the last one
 * to the end of the text). */
static bool match(const char *pattern, const char *text, capture caps[CAPTURES], int *ncaps)
{
    *ncaps = 0;
    const char *p = pattern, *t = text;
    const char *star = strchr(p, '*');
    size_t lit = star != NULL ? (size_t)(star - p) : strlen(p);
    if (strncmp(p, t, lit) != 0)
        return false;
    p += lit;
    t += lit;
    if (star == NULL)
        return *t == '\0';
    while (*p == '*') {
        p++;
        const char *next = strchr(p, '*');
        size_t n = next != NULL ? (size_t)(next - p) : strlen(p);
        const char *hit;
        if (next == NULL) {
            /* The last literal closes the text. */
            size_t rest = strlen(t);
            if (rest < n || strcmp(t + rest - n, p) != 0)
                return false;
            hit = t + rest - n;
        } else {
            char literal[128];
            if (n == 0 || n >= sizeof literal)
                return false;
            memcpy(literal, p, n);
            literal[n] = '\0';
            if ((hit = strstr(t, literal)) == NULL)
                return false;
        }
        if (*ncaps < CAPTURES)
            caps[(*ncaps)++] = (capture){t, (size_t)(hit - t)};
        t = hit + n;
        p += n;
    }
    return true;
}

/* Appends n bytes of s to out at *used. What does not fit is cut before a
 * UTF-8 continuation byte, so the text stays whole characters, and the
 * buffer is then closed: *used goes to size - 1 and later calls add nothing. */
static void put(char *out, size_t size, size_t *used, const char *s, size_t n)
{
    if (*used >= size - 1)
        return;
    bool cut = *used + n >= size;
    if (cut) {
        n = size - 1 - *used;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out + *used, s, n);
    out[*used + n] = '\0';
    *used = cut ? size - 1 : *used + n;
}

/* Writes template zh with %1..%4 replaced by the captures (their Chinese
 * name when they are a known phrase). */
static void fill(const char *zh, const capture *caps, int ncaps, char *out, size_t size,
                 size_t *used)
{
    for (const char *z = zh; *z != '\0'; z++) {
        if (z[0] == '%' && z[1] >= '1' && z[1] <= '0' + CAPTURES && z[1] - '1' < ncaps) {
            const capture *c = &caps[z[1] - '1'];
            char value[160];
            size_t n = c->len < sizeof value ? c->len : sizeof value - 1;
            memcpy(value, c->at, n);
            value[n] = '\0';
            const char *named = lookup(phrases, COUNT(phrases), value);
            if (named != NULL)
                put(out, size, used, named, strlen(named));
            else
                put(out, size, used, value, n);
            z++;
        } else {
            /* The literal text up to the next placeholder, in one piece. */
            size_t n = 1 + strcspn(z + 1, "%");
            put(out, size, used, z, n);
            z += n - 1;
        }
    }
}

static bool translate(const text_pair *table, size_t count, const char *text, char *out,
                      size_t size, size_t *used)
{
    capture caps[CAPTURES];
    int ncaps;
    for (size_t i = 0; i < count; i++) {
        if (match(table[i].en, text, caps, &ncaps)) {
            fill(table[i].zh, caps, ncaps, out, size, used);
            return true;
        }
    }
    return false;
}

const char *ld_message_zh(ld_status code, const char *message, char *out, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return out;
    out[0] = '\0';
    if (message == NULL)
        message = "";
    if (translate(whole, COUNT(whole), message, out, size, &used))
        return out;
    /* "field: problem", the field possibly a path ("guarantors[1].net_assets"):
     * the Chinese name of its last part. */
    const char *colon = strstr(message, ": ");
    if (colon != NULL && colon > message && (size_t)(colon - message) < 96 &&
        memchr(message, ' ', (size_t)(colon - message)) == NULL) {
        char path[96];
        memcpy(path, message, (size_t)(colon - message));
        path[colon - message] = '\0';
        const char *last = strrchr(path, '.');
        last = last != NULL ? last + 1 : path;
        const char *name = ld_field_zh(last);
        if (name != NULL && last != path) {
            put(out, size, &used, path, (size_t)(last - path));
            put(out, size, &used, name, strlen(name));
        } else {
            put(out, size, &used, name != NULL ? name : path, strlen(name != NULL ? name : path));
        }
        put(out, size, &used, "：", strlen("："));
        if (translate(problems, COUNT(problems), colon + 2, out, size, &used))
            return out;
        message = colon + 2;
    }
    /* Not in the tables: the code's meaning, then the English as it is. */
    const char *meaning = ld_code_zh(code);
    put(out, size, &used, meaning, strlen(meaning));
    put(out, size, &used, "（", strlen("（"));
    put(out, size, &used, message, strlen(message));
    put(out, size, &used, "）", strlen("）"));
    return out;
}
