from django.db import migrations

# R-6 defaults from the seeds (差异化管理策略). Admins edit them on the strategies page.
STRATEGIES = [
    ("relationship_type", "strategic", "专属服务团队（客户成功经理 + 技术支持 + 高层对接），资源优先", "客户成功经理",
     "每季度至少一次高层拜访", "安排高层拜访并确认年度合作计划\n制定定制化服务方案\n指定技术支持对接人", 7),
    ("relationship_type", "potential", "专属销售顾问，行业解决方案", "销售顾问",
     "每季度一次增长复盘", "推送行业解决方案\n邀请试用新产品或参加培训\n安排季度增长复盘", 7),
    ("relationship_type", "stable", "标准化服务，售后回访", "客户负责人",
     "每月一次售后回访", "完成售后回访\n推荐会员权益或积分优惠", 14),
    ("relationship_type", "churn_risk", "服务经理24小时内联系，查明原因并记录补救措施", "服务经理",
     "24小时内联系，之后每周跟进", "24小时内联系客户了解情况\n查明流失原因（价格、服务、竞品）\n记录补救措施（折扣、增值服务）", 1),
    ("relationship_type", "low_frequency", "自动化营销", "市场部",
     "节日问候与新品推送", "发送节日问候\n推送新品信息", 30),
    ("value_class", "strategic", "战略客户：每月至少一次面访或视频会议", "客户负责人 + 销售主管",
     "每月至少一次", "安排面访或视频会议\n更新客户年度规划", 7),
    ("value_class", "key", "重点客户：每季度两次深度沟通", "客户负责人",
     "每季度两次", "安排深度沟通并记录需求变化", 14),
    ("value_class", "normal", "普通客户：每半年一次回访", "客户负责人",
     "每半年一次", "完成半年度回访", 30),
]


def load(apps, schema_editor):
    Strategy = apps.get_model("classification", "Strategy")
    for dimension, value, level, owner, freq, actions, days in STRATEGIES:
        Strategy.objects.get_or_create(dimension=dimension, value=value, defaults={
            "service_level": level, "owner_role": owner, "contact_frequency": freq, "core_actions": actions,
            "task_due_days": days})


class Migration(migrations.Migration):
    dependencies = [("classification", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
