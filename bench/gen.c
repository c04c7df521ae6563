/*
 * gen.c - bench_gen: a synthetic but realistic loan portfolio as JSON Lines, in
 * exactly the shape `loandesk import` reads (import.h): one borrower per line
 * with one application, 0-2 guarantors, 0-2 collateral items and, for about
 * half of them, a pre-loan investigation.
 *
 * Every line passes the import's validation: identity numbers carry valid
 * GB 11643 / GB 32100 check characters (computed by core/ident.c) and are
 * unique across the file, because their variable part is derived from a running
 * index rather than drawn at random (a resident ID's sequence digits, area code
 * and birth month/day come from the person index, only its birth year is free;
 * a credit code's organisation code encodes the enterprise index). Amounts,
 * terms and methods stay inside the product catalogue's limits (read from
 * policy/products.json or --products), individuals' ages fit the product's age
 * rules with a year to spare, enterprise statements are consistent (current
 * assets <= total assets, inventory <= current assets, current liabilities <=
 * total liabilities), collateral has the arrangement the Civil Code admits for
 * its type, and appraisal and visit dates lie in the past.
 *
 * Output is deterministic for a given --seed and --today (default: today's UTC
 * date): the program has its own PRNG (xoshiro256** seeded through
 * splitmix64) and uses no floating point for money. Usage:
 *   bench_gen [--count N] [--seed S] [--out FILE] [--today YYYY-MM-DD] [--products FILE]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "date.h"
#include "ident.h"
#include "money.h"

#ifndef LOANDESK_SOURCE_DIR
#define LOANDESK_SOURCE_DIR "."
#endif
#define DEFAULT_PRODUCTS LOANDESK_SOURCE_DIR "/policy/products.json"
#define MAX_PRODUCTS     32
#define YUAN             100 /* fen per yuan */
/* Multipliers that scatter running indexes over identity-number slots; each is
 * coprime to its slot count (2^7 * 3 * 5^4 * 73 for resident IDs, 31^6 for
 * credit codes), so the mapping is one to one. */
#define PERSON_SCATTER     7777777
#define ENTERPRISE_SCATTER 123456791
#define SCATTER_OFFSET     4711 /* so that index 0 is not the all-zero slot */

/* ---- PRNG: xoshiro256** seeded by splitmix64 ---------------------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform integer in [lo, hi] (lo <= hi); the tiny modulo bias is irrelevant here. */
static int64_t rng_range(rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(span == 0 ? rng_next(r) : rng_next(r) % span);
}

static bool rng_chance(rng *r, int percent)
{
    return rng_range(r, 0, 99) < percent;
}

#define PICK(r, array) ((array)[rng_range((r), 0, (int64_t)(sizeof(array) / sizeof(array)[0]) - 1)])

/* value * permille / 1000, for proportions of money without floating point. */
static int64_t share(int64_t value, int64_t permille)
{
    return (int64_t)((__int128)value * permille / 1000);
}

static int64_t round_down(int64_t value, int64_t unit)
{
    return value / unit * unit;
}

/* A log-uniform amount in [lo, hi] fen, rounded down to `unit` but not below lo:
 * loan sizes spread over orders of magnitude with small ones more common. */
static int64_t log_uniform(rng *r, int64_t lo, int64_t hi, int64_t unit)
{
    /* Pick a power-of-two bucket between lo and hi, then a point inside it. */
    int64_t buckets = 0;
    for (int64_t v = lo; v < hi && buckets < 62; v *= 2)
        buckets++;
    int64_t b = rng_range(r, 0, buckets > 0 ? buckets - 1 : 0);
    int64_t start = lo << b;
    int64_t end = start * 2 < hi ? start * 2 : hi;
    int64_t value = round_down(rng_range(r, start, end), unit);
    return value < lo ? lo : value;
}

/* ---- reference data ------------------------------------------------------ */

/* Real county-level area codes (GB/T 2260) with their place names. */
typedef struct area {
    const char *code, *province, *city, *district, *abbr, *phone_prefix;
} area;

static const area areas[] = {
    {"110101", "北京市", "", "东城区", "京", "010"},
    {"110102", "北京市", "", "西城区", "京", "010"},
    {"110105", "北京市", "", "朝阳区", "京", "010"},
    {"110108", "北京市", "", "海淀区", "京", "010"},
    {"310101", "上海市", "", "黄浦区", "沪", "021"},
    {"310104", "上海市", "", "徐汇区", "沪", "021"},
    {"310105", "上海市", "", "长宁区", "沪", "021"},
    {"310115", "上海市", "", "浦东新区", "沪", "021"},
    {"120101", "天津市", "", "和平区", "津", "022"},
    {"500103", "重庆市", "", "渝中区", "渝", "023"},
    {"440103", "广东省", "广州市", "荔湾区", "粤", "020"},
    {"440104", "广东省", "广州市", "越秀区", "粤", "020"},
    {"440106", "广东省", "广州市", "天河区", "粤", "020"},
    {"440303", "广东省", "深圳市", "罗湖区", "粤", "0755"},
    {"440304", "广东省", "深圳市", "福田区", "粤", "0755"},
    {"440305", "广东省", "深圳市", "南山区", "粤", "0755"},
    {"320102", "江苏省", "南京市", "玄武区", "苏", "025"},
    {"320106", "江苏省", "南京市", "鼓楼区", "苏", "025"},
    {"320505", "江苏省", "苏州市", "虎丘区", "苏", "0512"},
    {"320506", "江苏省", "苏州市", "吴中区", "苏", "0512"},
    {"330102", "浙江省", "杭州市", "上城区", "浙", "0571"},
    {"330106", "浙江省", "杭州市", "西湖区", "浙", "0571"},
    {"330203", "浙江省", "宁波市", "海曙区", "浙", "0574"},
    {"420102", "湖北省", "武汉市", "江岸区", "鄂", "027"},
    {"420106", "湖北省", "武汉市", "武昌区", "鄂", "027"},
    {"510104", "四川省", "成都市", "锦江区", "川", "028"},
    {"510107", "四川省", "成都市", "武侯区", "川", "028"},
    {"370102", "山东省", "济南市", "历下区", "鲁", "0531"},
    {"370202", "山东省", "青岛市", "市南区", "鲁", "0532"},
    {"410105", "河南省", "郑州市", "金水区", "豫", "0371"},
    {"430102", "湖南省", "长沙市", "芙蓉区", "湘", "0731"},
    {"350102", "福建省", "福州市", "鼓楼区", "闽", "0591"},
    {"350203", "福建省", "厦门市", "思明区", "闽", "0592"},
    {"610103", "陕西省", "西安市", "碑林区", "陕", "029"},
    {"210102", "辽宁省", "沈阳市", "和平区", "辽", "024"},
    {"220102", "吉林省", "长春市", "南关区", "吉", "0431"},
    {"230102", "黑龙江省", "哈尔滨市", "道里区", "黑", "0451"},
    {"340104", "安徽省", "合肥市", "蜀山区", "皖", "0551"},
    {"360102", "江西省", "南昌市", "东湖区", "赣", "0791"},
    {"450103", "广西壮族自治区", "南宁市", "青秀区", "桂", "0771"},
    {"530102", "云南省", "昆明市", "五华区", "云", "0871"},
    {"520102", "贵州省", "贵阳市", "南明区", "贵", "0851"},
    {"130102", "河北省", "石家庄市", "长安区", "冀", "0311"},
    {"140105", "山西省", "太原市", "小店区", "晋", "0351"},
    {"150102", "内蒙古自治区", "呼和浩特市", "新城区", "蒙", "0471"},
    {"620102", "甘肃省", "兰州市", "城关区", "甘", "0931"},
    {"640104", "宁夏回族自治区", "银川市", "兴庆区", "宁", "0951"},
    {"650102", "新疆维吾尔自治区", "乌鲁木齐市", "天山区", "新", "0991"},
};
#define AREA_COUNT ((int64_t)(sizeof areas / sizeof areas[0]))

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐",   "孙",   "马",  "朱",
    "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐",   "许",   "韩",  "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋",   "蔡",   "余",  "杜",
    "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜",   "崔",   "钟",  "谭",
    "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方",   "白",   "邹",  "孟",
    "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "欧阳", "司马", "诸葛"};
static const char *const male_chars[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏",
    "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙",
    "林", "阳", "建", "国", "志", "文", "东", "海", "峰", "晨", "博", "昊", "然", "睿"};
static const char *const female_chars[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "琳",
    "颖", "倩", "洁", "琴", "云", "莉", "萍", "红", "梅", "佳", "欣", "怡", "悦", "蕾",
    "晶", "薇", "璐", "瑶", "月", "秀", "英", "兰", "凤", "丹", "彤", "蓉", "晓", "青"};

static const char *const brand_words[] = {
    "华鑫", "恒通", "宏达", "嘉禾", "瑞丰", "鼎盛", "润泽", "远航", "金桥", "新源", "天成",
    "永安", "中科", "博远", "锦程", "汇丰", "海川", "正邦", "安泰", "兴业", "盛世", "通达",
    "立信", "东方", "长城", "明德", "振华", "凯旋", "银河", "启航", "宏图", "蓝天", "绿洲",
    "泰和", "万象", "德润", "信诚", "昌隆", "荣盛", "佳美", "利民", "聚源", "华夏", "三友"};

/* Industries with the policy's risk class (1 low .. 5 high) and a name suffix. */
typedef struct industry {
    const char *name, *suffix;
    int risk_class;
} industry;

static const industry industries[] = {
    {"通用设备制造", "机械制造", 2},
    {"专用设备制造", "装备", 2},
    {"电气机械和器材制造", "电气", 2},
    {"计算机、通信和其他电子设备制造", "电子", 2},
    {"纺织服装、服饰业", "服饰", 3},
    {"农副食品加工", "食品", 2},
    {"批发业", "商贸", 3},
    {"零售业", "商业", 3},
    {"道路运输业", "物流", 3},
    {"餐饮业", "餐饮管理", 4},
    {"住宿业", "酒店管理", 4},
    {"软件和信息技术服务业", "信息技术", 2},
    {"建筑装饰、装修和其他建筑业", "建设工程", 4},
    {"房地产业", "置业", 5},
    {"医药制造", "医药", 1},
    {"化学原料和化学制品制造", "化工", 4},
    {"金属制品业", "金属制品", 3},
    {"橡胶和塑料制品业", "塑胶", 3},
    {"农业", "农业科技", 3},
    {"商务服务业", "企业管理咨询", 3},
};

static const char *const streets[] = {
    "建国路", "人民路", "解放路",   "中山路",   "长江路", "黄河路", "和平路",
    "新华路", "胜利路", "青年路",   "文化路",   "光明路", "朝阳路", "科技路",
    "创业路", "星湖街", "滨江大道", "世纪大道", "金融街", "学府路", "东风路",
    "迎宾路", "花园路", "工业大道", "高新大道", "南京路"};
static const char *const estates[] = {"阳光花园", "翠湖苑", "金色家园", "锦绣华庭", "御景湾",
                                      "幸福里",   "绿地城", "碧桂园",   "万科城",   "保利花园"};

static const char *const appraisers[] = {
    "中联资产评估集团有限公司",   "北京中企华资产评估有限责任公司",
    "上海东洲资产评估有限公司",   "深圳市鹏信资产评估土地房地产估价有限公司",
    "江苏天元资产评估有限公司",   "浙江坤元资产评估有限公司",
    "湖北众联资产评估有限公司",   "四川天健华衡资产评估有限公司",
    "广东中广信资产评估有限公司", "银信资产评估有限公司"};

/* ---- products ------------------------------------------------------------ */

enum { M_ANNUITY, M_EQUAL_PRINCIPAL, M_INTEREST_ONLY, M_BULLET, M_COUNT };
static const char *const method_names[M_COUNT] = {"annuity", "equal_principal", "interest_only",
                                                  "bullet"};

typedef struct product {
    char code[32];
    bool enterprise;
    int64_t min_amount, max_amount; /* fen */
    int min_term, max_term, period; /* months; period 1 or 3 */
    int methods[M_COUNT], method_count;
    int min_age, max_age_at_maturity;
    int terms[32], term_count; /* usual terms within the limits, in whole periods */
} product;

typedef struct catalogue {
    product items[MAX_PRODUCTS];
    int count;
    int individual[MAX_PRODUCTS], individual_count;
    int enterprise[MAX_PRODUCTS], enterprise_count;
} catalogue;

static int json_int(const cJSON *obj, const char *key, int fallback)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(item) ? item->valueint : fallback;
}

static bool json_money(const cJSON *obj, const char *key, int64_t *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(item) && ld_money_parse(key, item->valuestring, out, NULL) == LD_OK;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    size_t got;
    while (text != NULL && (got = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len - 1 == 0) {
            char *bigger = realloc(text, cap * 2);
            if (bigger == NULL) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (text != NULL)
        text[len] = '\0';
    return text;
}

/* Loads the catalogue; returns false with a message on stderr. */
static bool load_products(const char *path, catalogue *cat)
{
    static const int usual_terms[] = {3,  6,  9,  12,  18,  24,  36,  48, 60,
                                      72, 84, 96, 120, 180, 240, 300, 360};
    char *text = read_all(path);
    if (text == NULL) {
        fprintf(stderr, "bench_gen: %s: %s\n", path, strerror(errno));
        return false;
    }
    cJSON *doc = cJSON_Parse(text);
    free(text);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "products");
    const cJSON *item;
    memset(cat, 0, sizeof *cat);
    cJSON_ArrayForEach(item, list)
    {
        if (cat->count == MAX_PRODUCTS)
            break;
        product *p = &cat->items[cat->count];
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(item, "code");
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(item, "borrower_kind");
        const cJSON *period = cJSON_GetObjectItemCaseSensitive(item, "period");
        if (!cJSON_IsString(code) || !cJSON_IsString(kind) ||
            !json_money(item, "min_amount", &p->min_amount) ||
            !json_money(item, "max_amount", &p->max_amount))
            continue;
        snprintf(p->code, sizeof p->code, "%s", code->valuestring);
        p->enterprise = strcmp(kind->valuestring, "enterprise") == 0;
        p->min_term = json_int(item, "min_term", 1);
        p->max_term = json_int(item, "max_term", 360);
        p->period = cJSON_IsString(period) && strcmp(period->valuestring, "quarterly") == 0 ? 3 : 1;
        p->min_age = json_int(item, "min_age", 18);
        p->max_age_at_maturity = json_int(item, "max_age_at_maturity", 70);
        const cJSON *m;
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(item, "methods"))
        {
            for (int k = 0; k < M_COUNT && cJSON_IsString(m); k++)
                if (strcmp(m->valuestring, method_names[k]) == 0)
                    p->methods[p->method_count++] = k;
        }
        for (size_t t = 0; t < sizeof usual_terms / sizeof usual_terms[0]; t++)
            if (usual_terms[t] >= p->min_term && usual_terms[t] <= p->max_term &&
                usual_terms[t] % p->period == 0)
                p->terms[p->term_count++] = usual_terms[t];
        if (p->term_count == 0) {
            /* No usual term fits: the smallest whole number of periods that does. */
            int t = (p->min_term + p->period - 1) / p->period * p->period;
            if (t <= p->max_term)
                p->terms[p->term_count++] = t;
        }
        if (p->method_count == 0 || p->term_count == 0 || p->min_amount <= 0 ||
            p->max_amount < p->min_amount)
            continue;
        if (p->enterprise)
            cat->enterprise[cat->enterprise_count++] = cat->count;
        else
            cat->individual[cat->individual_count++] = cat->count;
        cat->count++;
    }
    cJSON_Delete(doc);
    if (cat->individual_count == 0 && cat->enterprise_count == 0) {
        fprintf(stderr, "bench_gen: %s: no usable products\n", path);
        return false;
    }
    return true;
}

/* ---- output buffer ------------------------------------------------------- */

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_reserve(buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (data == NULL) {
        fprintf(stderr, "bench_gen: out of memory\n");
        exit(10);
    }
    b->data = data;
    b->cap = cap;
}

static void put_raw(buf *b, const char *text)
{
    size_t n = strlen(text);
    buf_reserve(b, n);
    memcpy(b->data + b->len, text, n);
    b->len += n;
}

/* A JSON string; escapes what JSON requires, although the reference data
 * holds no quote, backslash or control character. */
static void put_string(buf *b, const char *text)
{
    buf_reserve(b, strlen(text) * 6 + 2);
    b->data[b->len++] = '"';
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            b->data[b->len++] = '\\';
            b->data[b->len++] = (char)*p;
        } else if (*p < 0x20) {
            b->len += (size_t)snprintf(b->data + b->len, 7, "\\u%04x", *p);
        } else {
            b->data[b->len++] = (char)*p;
        }
    }
    b->data[b->len++] = '"';
}

/* ,"key": before a value; first says whether a comma is needed. */
static void put_key(buf *b, bool *first, const char *key)
{
    if (!*first)
        put_raw(b, ",");
    *first = false;
    put_string(b, key);
    put_raw(b, ":");
}

static void field_text(buf *b, bool *first, const char *key, const char *value)
{
    put_key(b, first, key);
    put_string(b, value);
}

static void field_int(buf *b, bool *first, const char *key, int64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, value);
    put_key(b, first, key);
    put_raw(b, text);
}

static void field_money(buf *b, bool *first, const char *key, int64_t fen)
{
    char text[LD_MONEY_TEXT_MAX];
    put_key(b, first, key);
    put_string(b, ld_money_format(fen, text));
}

static void field_date(buf *b, bool *first, const char *key, ld_date date)
{
    char text[LD_DATE_TEXT_MAX];
    put_key(b, first, key);
    put_string(b, ld_date_format(date, text));
}

static void field_bool(buf *b, bool *first, const char *key, bool value)
{
    put_key(b, first, key);
    put_raw(b, value ? "true" : "false");
}

/* ---- people, enterprises, identity numbers ------------------------------- */

typedef struct generator {
    rng r;
    catalogue cat;
    ld_date today;
    int this_year;
    int64_t next_person;     /* index behind the next resident ID */
    int64_t next_enterprise; /* index behind the next credit code */
    ld_date month_days[365]; /* day-of-year table of a common year (no Feb 29) */
    int month_of[365], day_of[365];
} generator;

typedef struct person {
    char name[32];
    char id_number[19];
    ld_date birth;
    const area *home;
    bool male;
} person;

static void make_name(generator *g, bool male, char *out, size_t size)
{
    const char *surname = PICK(&g->r, surnames);
    const char *first = male ? PICK(&g->r, male_chars) : PICK(&g->r, female_chars);
    if (rng_chance(&g->r, 35))
        snprintf(out, size, "%s%s", surname, first);
    else
        snprintf(out, size, "%s%s%s", surname, first,
                 male ? PICK(&g->r, male_chars) : PICK(&g->r, female_chars));
}

/* A person whose age today lies in [min_age, max_age]. The resident ID's
 * sequence digits, area and birth month/day are a function of the person index,
 * so no two people in one file share an ID whatever years they are born in. */
static void make_person(generator *g, int min_age, int max_age, person *out)
{
    /* Scatter the index over all (area, month/day, sequence) slots with a
     * bijection (multiplier coprime to the slot count), so that neighbours in
     * the file do not share an area and a birthday. */
    const int64_t slots = 1000 * AREA_COUNT * 365;
    int64_t k = (int64_t)(((__int128)g->next_person++ * PERSON_SCATTER + SCATTER_OFFSET) % slots);
    int64_t sequence = k % 1000;
    int64_t block = k / 1000;
    const area *home = &areas[block % AREA_COUNT];
    int64_t slot = (block / AREA_COUNT) % 365;
    int age = (int)rng_range(&g->r, min_age, max_age);
    int month = g->month_of[slot], day = g->day_of[slot];
    /* Born `age` years ago: this year's birthday may still be ahead. */
    int year = g->this_year - age;
    ld_date birth = ld_date_from_ymd(year, month, day);
    if (ld_date_years_between(birth, g->today) < age)
        birth = ld_date_from_ymd(--year, month, day);
    if (ld_date_years_between(birth, g->today) > age)
        birth = ld_date_from_ymd(++year, month, day);
    char first17[18];
    snprintf(first17, sizeof first17, "%s%04d%02d%02d%03d", home->code, year, month, day,
             (int)sequence);
    snprintf(out->id_number, sizeof out->id_number, "%s%c", first17,
             core_resident_id_check_char(first17));
    out->birth = birth;
    out->home = home;
    out->male = sequence % 2 == 1; /* GB 11643: odd sequence for men */
    make_name(g, out->male, out->name, sizeof out->name);
}

/* A GB 11714 organisation code check character over 8 characters. */
static char org_check_char(const char *code8)
{
    static const int weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        char c = code8[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
        sum += v * weights[i];
    }
    int check = 11 - sum % 11;
    return check == 10 ? 'X' : check == 11 ? '0' : (char)('0' + check);
}

typedef struct enterprise {
    char name[160];
    char credit_code[19];
    const area *seat;
    const industry *trade;
} enterprise;

/* A credit code "91" + area + organisation code + check: the organisation code
 * is "MA" and the enterprise index in base 31, so codes never repeat. */
static void make_enterprise(generator *g, enterprise *out)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const int64_t codes = 887503681; /* 31^6 */
    int64_t e =
        (int64_t)(((__int128)g->next_enterprise++ * ENTERPRISE_SCATTER + SCATTER_OFFSET) % codes);
    out->seat = &areas[rng_range(&g->r, 0, AREA_COUNT - 1)];
    out->trade =
        &industries[rng_range(&g->r, 0, (int64_t)(sizeof industries / sizeof industries[0]) - 1)];
    char org[10] = "MA";
    for (int i = 7; i >= 2; i--, e /= 31)
        org[i] = alphabet[e % 31];
    org[8] = org_check_char(org);
    org[9] = '\0';
    char first17[18];
    snprintf(first17, sizeof first17, "91%s%s", out->seat->code, org);
    snprintf(out->credit_code, sizeof out->credit_code, "%s%c", first17,
             core_uscc_check_char(first17));
    const char *city = out->seat->city[0] ? out->seat->city : out->seat->province;
    size_t city_len = strlen(city);
    /* "苏州市" -> "苏州": enterprise names drop the administrative suffix. */
    int keep = (int)(city_len >= 3 ? city_len - 3 : city_len);
    snprintf(out->name, sizeof out->name, "%.*s%s%s%s有限公司", keep, city,
             PICK(&g->r, brand_words), PICK(&g->r, brand_words), out->trade->suffix);
}

static void make_address(generator *g, const area *a, bool home, char *out, size_t size)
{
    if (home)
        snprintf(out, size, "%s%s%s%s%d号%s%d栋%d单元%d室", a->province, a->city, a->district,
                 PICK(&g->r, streets), (int)rng_range(&g->r, 1, 999), PICK(&g->r, estates),
                 (int)rng_range(&g->r, 1, 30), (int)rng_range(&g->r, 1, 6),
                 (int)rng_range(&g->r, 1, 32) * 100 + (int)rng_range(&g->r, 1, 6));
    else
        snprintf(out, size, "%s%s%s%s%d号", a->province, a->city, a->district, PICK(&g->r, streets),
                 (int)rng_range(&g->r, 1, 2000));
}

static void make_mobile(generator *g, char *out, size_t size)
{
    static const char *const prefixes[] = {"130", "131", "132", "135", "136", "137", "138", "139",
                                           "150", "151", "152", "157", "158", "159", "166", "177",
                                           "180", "186", "187", "188", "189", "191", "198", "199"};
    snprintf(out, size, "%s%08d", PICK(&g->r, prefixes), (int)rng_range(&g->r, 0, 99999999));
}

/* ---- one line ------------------------------------------------------------ */

typedef struct loan {
    const product *prod;
    int64_t amount;
    int term;
    int method;
} loan;

static void choose_loan(generator *g, const product *p, loan *out)
{
    out->prod = p;
    out->amount = log_uniform(&g->r, p->min_amount, p->max_amount,
                              p->min_amount >= 1000000 * YUAN ? 100000 * YUAN : 1000 * YUAN);
    out->term = p->terms[rng_range(&g->r, 0, p->term_count - 1)];
    out->method = p->methods[rng_range(&g->r, 0, p->method_count - 1)];
}

static void write_individual(generator *g, buf *b, const loan *l, person *who)
{
    /* Age today in [min_age + 1, max_age_at_maturity - ceil(term in years) - 1]:
     * a year of slack either side so the file stays valid for a while. */
    int term_years = (l->term + 11) / 12;
    int lo = l->prod->min_age + 1, hi = l->prod->max_age_at_maturity - term_years - 1;
    if (hi > 62)
        hi = 62;
    if (hi < lo)
        hi = lo;
    make_person(g, lo, hi, who);
    int age = ld_date_years_between(who->birth, g->today);
    char text[400];
    bool first = true;
    put_raw(b, "{\"borrower\":{");
    field_text(b, &first, "kind", "individual");
    field_text(b, &first, "name", who->name);
    field_text(b, &first, "id_number", who->id_number);
    make_mobile(g, text, sizeof text);
    field_text(b, &first, "phone", text);
    make_address(g, who->home, true, text, sizeof text);
    field_text(b, &first, "address", text);
    enterprise employer;
    if (rng_chance(&g->r, 85)) {
        make_enterprise(g, &employer);
        field_text(b, &first, "employer", employer.name);
        int max_years = age - 18 < 40 ? age - 18 : 40;
        field_int(b, &first, "years_employed", rng_range(&g->r, 0, max_years > 0 ? max_years : 0));
    }
    /* Income grows with the loan asked for: a mortgage borrower earns more. */
    int64_t income = log_uniform(&g->r, 4000 * YUAN, 30000 * YUAN, 100 * YUAN);
    if (l->amount > 200000 * YUAN)
        income += round_down(share(l->amount, rng_range(&g->r, 4, 12)), 100 * YUAN);
    field_money(b, &first, "monthly_income", income);
    if (rng_chance(&g->r, 55)) {
        int64_t debt = round_down(share(income, rng_range(&g->r, 500, 24000)), 100 * YUAN);
        int64_t repayment = round_down(share(debt, rng_range(&g->r, 10, 40)), YUAN);
        int64_t ceiling = round_down(share(income, 500), YUAN);
        field_money(b, &first, "existing_debt", debt);
        field_money(b, &first, "existing_monthly_repayment",
                    repayment < ceiling ? repayment : ceiling);
    } else {
        field_money(b, &first, "existing_debt", 0);
        field_money(b, &first, "existing_monthly_repayment", 0);
    }
    put_raw(b, "}");
}

static void write_financials(generator *g, buf *b, int64_t total_assets)
{
    int years = (int)rng_range(&g->r, 1, 3);
    put_raw(b, ",\"financials\":[");
    /* Oldest first, each year grown or shrunk a little from the one before. */
    int64_t assets = total_assets;
    for (int i = 0; i < years; i++) {
        bool first = true;
        if (i > 0) {
            put_raw(b, ",");
            assets = share(assets, rng_range(&g->r, 920, 1180));
        }
        assets = round_down(assets, 100 * YUAN);
        int64_t liabilities = round_down(share(assets, rng_range(&g->r, 250, 780)), 100 * YUAN);
        int64_t current_assets = round_down(share(assets, rng_range(&g->r, 250, 750)), 100 * YUAN);
        int64_t current_liabilities =
            round_down(share(liabilities, rng_range(&g->r, 400, 950)), 100 * YUAN);
        int64_t inventory =
            round_down(share(current_assets, rng_range(&g->r, 50, 500)), 100 * YUAN);
        int64_t revenue = round_down(share(assets, rng_range(&g->r, 400, 2200)), 100 * YUAN);
        int64_t net_profit = round_down(share(revenue, rng_range(&g->r, -60, 150)), 100 * YUAN);
        int64_t cash_flow = round_down(share(net_profit, rng_range(&g->r, 500, 1600)) +
                                           share(revenue, rng_range(&g->r, -20, 30)),
                                       100 * YUAN);
        put_raw(b, "{");
        field_int(b, &first, "year", g->this_year - years + i);
        field_money(b, &first, "total_assets", assets);
        field_money(b, &first, "total_liabilities", liabilities);
        field_money(b, &first, "current_assets", current_assets);
        field_money(b, &first, "current_liabilities", current_liabilities);
        field_money(b, &first, "inventory", inventory);
        field_money(b, &first, "revenue", revenue);
        field_money(b, &first, "net_profit", net_profit);
        field_money(b, &first, "operating_cash_flow", cash_flow);
        put_raw(b, "}");
    }
    put_raw(b, "]");
}

static void write_enterprise(generator *g, buf *b, const loan *l, enterprise *firm)
{
    make_enterprise(g, firm);
    char text[400];
    bool first = true;
    put_raw(b, "{\"borrower\":{");
    field_text(b, &first, "kind", "enterprise");
    field_text(b, &first, "name", firm->name);
    field_text(b, &first, "credit_code", firm->credit_code);
    snprintf(text, sizeof text, "%s-%d", firm->seat->phone_prefix,
             (int)rng_range(&g->r, 52000000, 88999999));
    field_text(b, &first, "phone", text);
    make_address(g, firm->seat, false, text, sizeof text);
    field_text(b, &first, "address", text);
    field_text(b, &first, "industry", firm->trade->name);
    field_int(b, &first, "industry_risk_class", firm->trade->risk_class);
    field_int(b, &first, "years_in_business", rng_range(&g->r, 1, 30));
    /* A firm borrows some tenth to a third of its assets. */
    int64_t assets = share(l->amount, rng_range(&g->r, 3000, 12000));
    field_money(b, &first, "registered_capital",
                round_down(share(assets, rng_range(&g->r, 50, 400)), 10000 * YUAN) + 10000 * YUAN);
    write_financials(g, b, assets);
    put_raw(b, "}");
}

static const char *purpose_for(generator *g, const product *p)
{
    static const char *const consumer[] = {"家庭装修",     "购买家用汽车", "子女教育费用",
                                           "购置家电家具", "婚庆支出",     "出境旅游",
                                           "医疗支出"};
    static const char *const business[] = {"店铺进货备货", "个体经营周转", "购置经营设备",
                                           "门店装修扩建", "支付供应商货款"};
    static const char *const housing[] = {"购买首套自住住房", "购买改善型住房", "购买二手住房"};
    static const char *const working[] = {"采购原材料", "支付上游货款", "补充日常流动资金",
                                          "支付员工工资及水电费用", "承接新订单备货"};
    static const char *const fixed[] = {"新建生产厂房", "生产线技术改造", "购置大型生产设备",
                                        "建设仓储物流中心", "厂区节能环保改造"};
    if (strcmp(p->code, "PCL") == 0)
        return PICK(&g->r, consumer);
    if (strcmp(p->code, "PBL") == 0)
        return PICK(&g->r, business);
    if (strcmp(p->code, "PML") == 0)
        return PICK(&g->r, housing);
    if (strcmp(p->code, "EFA") == 0)
        return PICK(&g->r, fixed);
    if (p->enterprise)
        return PICK(&g->r, working);
    if (rng_chance(&g->r, 50))
        return PICK(&g->r, consumer);
    return PICK(&g->r, business);
}

static void write_application(generator *g, buf *b, const loan *l)
{
    bool first = true;
    put_raw(b, ",\"application\":{");
    field_text(b, &first, "product", l->prod->code);
    field_money(b, &first, "amount", l->amount);
    field_int(b, &first, "term_months", l->term);
    field_text(b, &first, "method", method_names[l->method]);
    field_text(b, &first, "purpose", purpose_for(g, l->prod));
    put_raw(b, "}");
}

static void write_guarantors(generator *g, buf *b, const loan *l)
{
    int count = (int)rng_range(&g->r, 0, 9);
    count = count < 4 ? 0 : count < 8 ? 1 : 2; /* 40 % none, 40 % one, 20 % two */
    if (count == 0)
        return;
    put_raw(b, ",\"guarantors\":[");
    for (int i = 0; i < count; i++) {
        bool first = true;
        put_raw(b, i ? ",{" : "{");
        bool company = rng_chance(&g->r, l->prod->enterprise ? 55 : 15);
        int64_t guaranteed = round_down(share(l->amount, rng_range(&g->r, 300, 1000)), 100 * YUAN);
        if (guaranteed <= 0)
            guaranteed = 100 * YUAN;
        if (company) {
            enterprise firm;
            make_enterprise(g, &firm);
            field_text(b, &first, "kind", "enterprise");
            field_text(b, &first, "name", firm.name);
            field_text(b, &first, "id_number", firm.credit_code);
        } else {
            person p;
            make_person(g, 25, 65, &p);
            field_text(b, &first, "kind", "person");
            field_text(b, &first, "name", p.name);
            field_text(b, &first, "id_number", p.id_number);
        }
        field_text(b, &first, "guarantee_type", rng_chance(&g->r, 85) ? "joint" : "general");
        field_money(b, &first, "guaranteed_amount", guaranteed);
        /* Capacity is usually ample; one guarantor in ten falls short. */
        int64_t net =
            round_down(share(guaranteed, rng_chance(&g->r, 10) ? rng_range(&g->r, 300, 1100)
                                                               : rng_range(&g->r, 1500, 8000)),
                       100 * YUAN);
        int64_t outstanding = rng_chance(&g->r, 60)
                                  ? round_down(share(net, rng_range(&g->r, 0, 500)), 100 * YUAN)
                                  : 0;
        field_money(b, &first, "net_assets", net);
        field_money(b, &first, "outstanding_guarantees", outstanding);
        put_raw(b, "}");
    }
    put_raw(b, "]");
}

enum { C_REAL_ESTATE, C_LAND, C_VEHICLE, C_EQUIPMENT, C_DEPOSIT, C_BONDS, C_RECEIVABLES, C_EQUITY };
static const char *const collateral_types[] = {"real_estate", "land_use_right",  "vehicle",
                                               "equipment",   "deposit_receipt", "bonds",
                                               "receivables", "equity"};

static void write_collateral_item(generator *g, buf *b, const loan *l, const char *borrower_name,
                                  const area *place, int type)
{
    bool first = true;
    char text[200];
    int year = g->this_year - (int)rng_range(&g->r, 0, 8);
    field_text(b, &first, "type", collateral_types[type]);
    /* Civil Code: real property is mortgaged, rights are pledged, movables either. */
    bool pledge = type >= C_DEPOSIT || (type == C_VEHICLE && rng_chance(&g->r, 20)) ||
                  (type == C_EQUIPMENT && rng_chance(&g->r, 10));
    field_text(b, &first, "arrangement", pledge ? "pledge" : "mortgage");
    bool own = type == C_RECEIVABLES || rng_chance(&g->r, 80);
    if (own) {
        field_text(b, &first, "owner_name", borrower_name);
    } else {
        make_name(g, rng_chance(&g->r, 50), text, sizeof text);
        field_text(b, &first, "owner_name", text);
    }
    field_bool(b, &first, "owner_is_borrower", own);
    int serial = (int)rng_range(&g->r, 1, 9999999);
    switch (type) {
    case C_REAL_ESTATE:
    case C_LAND:
        snprintf(text, sizeof text, "%s(%d)%s不动产权第%07d号", place->abbr, year, place->district,
                 serial);
        break;
    case C_VEHICLE:
        snprintf(text, sizeof text, "机动车登记证书%s%012d", place->code, serial);
        break;
    case C_EQUIPMENT:
        snprintf(text, sizeof text, "设备清单EQ-%d-%05d", year, serial % 100000);
        break;
    case C_DEPOSIT:
        snprintf(text, sizeof text, "定期存单第%010d号", serial);
        break;
    case C_BONDS:
        snprintf(text, sizeof text, "储蓄国债(凭证式)%d年第%d期%07d", year,
                 (int)rng_range(&g->r, 1, 6), serial);
        break;
    case C_RECEIVABLES:
        snprintf(text, sizeof text, "应收账款转让登记%08d", serial);
        break;
    default:
        snprintf(text, sizeof text, "股权出质设立登记通知书(%s)股质登记设字[%d]第%07d号",
                 place->abbr, year, serial);
        break;
    }
    field_text(b, &first, "certificate_no", text);
    /* Value against the loan: property well above it, financial assets near it. */
    int64_t lo = 600, hi = 2500;
    if (type == C_DEPOSIT || type == C_BONDS)
        lo = 300, hi = 1200;
    else if (type == C_VEHICLE || type == C_EQUIPMENT)
        lo = 200, hi = 1500;
    int64_t value = round_down(share(l->amount, rng_range(&g->r, lo, hi)), 100 * YUAN);
    if (value <= 0)
        value = 100 * YUAN;
    field_money(b, &first, "appraised_value", value);
    field_date(b, &first, "appraisal_date", g->today - (ld_date)rng_range(&g->r, 1, 365));
    field_text(b, &first, "appraiser",
               type == C_DEPOSIT ? "开户银行(存单核押)" : PICK(&g->r, appraisers));
    bool second = (type == C_REAL_ESTATE || type == C_LAND) && rng_chance(&g->r, 12);
    field_int(b, &first, "lien_rank", second ? 2 : 1);
    if (second)
        field_money(b, &first, "prior_claims",
                    round_down(share(value, rng_range(&g->r, 100, 550)), 100 * YUAN) + 100 * YUAN);
    if (!pledge || type == C_RECEIVABLES || type == C_EQUITY || rng_chance(&g->r, 30)) {
        if (type == C_REAL_ESTATE || type == C_LAND)
            snprintf(text, sizeof text, "%s(%d)%s不动产证明第%07d号", place->abbr,
                     g->this_year - (int)rng_range(&g->r, 0, 1), place->district,
                     (int)rng_range(&g->r, 1, 9999999));
        else
            snprintf(text, sizeof text, "%s%d%08d", pledge ? "ZY" : "DY", g->this_year,
                     (int)rng_range(&g->r, 1, 99999999));
        field_text(b, &first, "registration_no", text);
    }
}

static void write_collateral(generator *g, buf *b, const loan *l, const char *borrower_name,
                             const area *place)
{
    static const int individual_types[] = {C_REAL_ESTATE, C_REAL_ESTATE, C_REAL_ESTATE, C_VEHICLE,
                                           C_VEHICLE,     C_DEPOSIT,     C_BONDS,       C_EQUITY};
    static const int enterprise_types[] = {C_REAL_ESTATE, C_REAL_ESTATE, C_LAND,        C_LAND,
                                           C_EQUIPMENT,   C_EQUIPMENT,   C_VEHICLE,     C_DEPOSIT,
                                           C_BONDS,       C_RECEIVABLES, C_RECEIVABLES, C_EQUITY};
    bool mortgage_loan = strcmp(l->prod->code, "PML") == 0;
    int count = (int)rng_range(&g->r, 0, 9);
    count = count < 3 ? 0 : count < 8 ? 1 : 2; /* 30 % none, 50 % one, 20 % two */
    if (mortgage_loan && count == 0)
        count = 1; /* a home loan is secured on the home */
    if (count == 0)
        return;
    put_raw(b, ",\"collateral\":[");
    for (int i = 0; i < count; i++) {
        put_raw(b, i ? ",{" : "{");
        int type = mortgage_loan && i == 0 ? C_REAL_ESTATE
                   : l->prod->enterprise   ? PICK(&g->r, enterprise_types)
                                           : PICK(&g->r, individual_types);
        write_collateral_item(g, b, l, borrower_name, place, type);
        put_raw(b, "}");
    }
    put_raw(b, "]");
}

static void write_investigation(generator *g, buf *b, bool for_firm)
{
    static const char *const ops_person[] = {
        "借款人在现单位工作稳定，收入来源清晰，工资流水与申报一致。",
        "借款人经营个体门店，客流稳定，近一年经营流水月均与申报收入相符。",
        "实地走访借款人住所及单位，信息属实，未发现异常。"};
    static const char *const ops_firm[] = {
        "企业生产经营正常，订单饱满，产能利用率约80%。",
        "实地查看厂区及仓库，设备运转正常，存货与账面基本一致。",
        "企业主营业务稳定，上下游客户集中度适中，回款周期约60天。"};
    static const char *const assets[] = {"资产负债结构合理，无对外担保纠纷。",
                                         "负债以银行借款为主，征信记录良好，无逾期。",
                                         "主要资产权属清晰，抵质押物已核实。"};
    static const char *const capacity[] = {"第一还款来源充足，月还款额占收入比例适中。",
                                           "经营性现金流可覆盖本息，第二还款来源有保障。",
                                           "还款能力较强，担保及抵质押措施落实。"};
    static const char *const conclusions[] = {"情况属实，同意申报。",
                                              "风险可控，建议按申请条件审批。",
                                              "基本符合准入条件，建议落实担保后发放。"};
    bool first = true;
    put_raw(b, ",\"investigation\":{");
    field_date(b, &first, "site_visit_date", g->today - (ld_date)rng_range(&g->r, 0, 30));
    field_text(b, &first, "operations", for_firm ? PICK(&g->r, ops_firm) : PICK(&g->r, ops_person));
    field_text(b, &first, "assets_liabilities", PICK(&g->r, assets));
    field_text(b, &first, "repayment_capacity", PICK(&g->r, capacity));
    field_text(b, &first, "conclusion", PICK(&g->r, conclusions));
    put_raw(b, "}");
}

static void write_line(generator *g, buf *b)
{
    /* About seven borrowers in ten are individuals, when both kinds are offered. */
    bool is_firm =
        g->cat.individual_count == 0 || (g->cat.enterprise_count > 0 && rng_chance(&g->r, 30));
    const int *pool = is_firm ? g->cat.enterprise : g->cat.individual;
    int pool_count = is_firm ? g->cat.enterprise_count : g->cat.individual_count;
    const product *p = &g->cat.items[pool[rng_range(&g->r, 0, pool_count - 1)]];
    loan l;
    choose_loan(g, p, &l);
    const char *name;
    const area *place;
    person who;
    enterprise firm;
    if (is_firm) {
        write_enterprise(g, b, &l, &firm);
        name = firm.name;
        place = firm.seat;
    } else {
        write_individual(g, b, &l, &who);
        name = who.name;
        place = who.home;
    }
    write_application(g, b, &l);
    write_guarantors(g, b, &l);
    write_collateral(g, b, &l, name, place);
    if (rng_chance(&g->r, 50))
        write_investigation(g, b, is_firm);
    put_raw(b, "}\n");
}

/* ---- main ---------------------------------------------------------------- */

static bool parse_count(const char *text, int64_t min, int64_t max, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        return false;
    *out = value;
    return true;
}

static int64_t gcd(int64_t a, int64_t b)
{
    while (b != 0) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_gen [--count N] [--seed S] [--out FILE] [--today YYYY-MM-DD] "
                    "[--products FILE]\n");
    return 1;
}

int main(int argc, char **argv)
{
    int64_t count = 1000, seed = 1;
    const char *out_path = NULL, *products = DEFAULT_PRODUCTS, *today_text = NULL;
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--count") == 0 && value &&
            parse_count(value, 1, (int64_t)1000 * AREA_COUNT * 365 / 4, &count))
            i++;
        else if (strcmp(argv[i], "--seed") == 0 && value && parse_count(value, 0, INT64_MAX, &seed))
            i++;
        else if (strcmp(argv[i], "--out") == 0 && value)
            out_path = argv[++i];
        else if (strcmp(argv[i], "--products") == 0 && value)
            products = argv[++i];
        else if (strcmp(argv[i], "--today") == 0 && value)
            today_text = argv[++i];
        else
            return usage();
    }
    static generator g;
    g.today = (ld_date)(time(NULL) / 86400);
    if (today_text != NULL && ld_date_parse("--today", today_text, &g.today, NULL) != LD_OK) {
        fprintf(stderr, "bench_gen: --today: \"%s\" is not a date YYYY-MM-DD\n", today_text);
        return 1;
    }
    int month, day;
    ld_date_to_ymd(g.today, &g.this_year, &month, &day);
    for (int slot = 0, m = 1; m <= 12; m++)
        for (int d = 1; d <= ld_date_days_in_month(2001, m); d++, slot++) {
            g.month_of[slot] = m;
            g.day_of[slot] = d;
        }
    if (gcd(PERSON_SCATTER, 1000 * AREA_COUNT * 365) != 1 ||
        gcd(ENTERPRISE_SCATTER, 887503681) != 1) {
        fprintf(stderr, "bench_gen: a scatter multiplier shares a factor with its slot count\n");
        return 10;
    }
    if (!load_products(products, &g.cat))
        return 1;
    rng_seed(&g.r, (uint64_t)seed);
    FILE *out = out_path ? fopen(out_path, "wb") : stdout;
    if (out == NULL) {
        fprintf(stderr, "bench_gen: %s: %s\n", out_path, strerror(errno));
        return 1;
    }
    buf b = {0};
    for (int64_t n = 0; n < count; n++) {
        write_line(&g, &b);
        if (b.len >= (1u << 20) || n + 1 == count) {
            if (fwrite(b.data, 1, b.len, out) != b.len) {
                fprintf(stderr, "bench_gen: write error: %s\n", strerror(errno));
                return 1;
            }
            b.len = 0;
        }
    }
    free(b.data);
    if ((out_path ? fclose(out) : fflush(out)) != 0) {
        fprintf(stderr, "bench_gen: write error: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
