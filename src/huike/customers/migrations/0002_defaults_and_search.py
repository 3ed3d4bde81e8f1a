from django.db import migrations

OPTIONS = {
    "industry": [
        ("manufacturing", "制造业", "Manufacturing"), ("it", "信息技术", "Information technology"),
        ("finance", "金融", "Finance"), ("retail", "零售", "Retail"), ("ecommerce", "电商", "E-commerce"),
        ("education", "教育培训", "Education & training"), ("healthcare", "医疗健康", "Healthcare"),
        ("construction", "建筑地产", "Construction & real estate"), ("logistics", "物流运输", "Logistics"),
        ("services", "服务业", "Services"), ("energy", "能源", "Energy"), ("other", "其他", "Other"),
    ],
    "source": [
        ("exhibition", "展会", "Trade show"), ("online_ads", "线上广告", "Online ads"),
        ("referral", "客户转介绍", "Customer referral"), ("telemarketing", "电话营销", "Telemarketing"),
        ("cold_visit", "线下陌拜", "Cold visit"), ("website", "官网咨询", "Website enquiry"),
        ("other", "其他", "Other"),
    ],
    "lost_reason": [
        ("price", "价格", "Price"), ("service", "服务不达标", "Service not up to standard"),
        ("competitor", "竞品", "Competitor"), ("demand_gone", "需求消失", "Demand gone"), ("other", "其他", "Other"),
    ],
    "customer_type": [
        ("end_customer", "终端客户", "End customer"), ("channel_partner", "渠道伙伴", "Channel partner"),
        ("distributor", "经销商", "Distributor"), ("supplier", "供应商", "Supplier"),
    ],
    "company_size": [
        ("micro", "20人以下", "Under 20 staff"), ("small", "20-99人", "20–99 staff"),
        ("medium", "100-499人", "100–499 staff"), ("large", "500-999人", "500–999 staff"),
        ("xlarge", "1000人以上", "1,000+ staff"),
    ],
}
TAG_SETS = {"客户特征": ["高意向", "价格敏感", "决策周期长", "需技术支持", "老客户转介绍", "大客户"]}


def load(apps, schema_editor):
    Option = apps.get_model("customers", "Option")
    for kind, rows in OPTIONS.items():
        for pos, (key, zh, en) in enumerate(rows):
            Option.objects.get_or_create(kind=kind, key=key, defaults={"label_zh": zh, "label_en": en, "position": pos})
    TagSet = apps.get_model("customers", "TagSet")
    Tag = apps.get_model("customers", "Tag")
    for set_name, names in TAG_SETS.items():
        tag_set, _ = TagSet.objects.get_or_create(name=set_name)
        for name in names:
            Tag.objects.get_or_create(name=name, defaults={"tag_set": tag_set})


def trigram_index(apps, schema_editor):
    # PostgreSQL: a trigram index makes the substring search (LIKE '%…%') use an index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS customer_search_trgm ON customers_customer "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
