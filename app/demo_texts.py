"""Open answers for the demo questionnaire, composed from parts so that, like real answers,
hardly two are the same word for word (the quality checks flag copied text), while each
still says something a product manager can act on: delivery in smaller cities, a checkout
that stalls, coupons nobody understands, support that answers slowly, and what people like.
"""

import random

PRAISE = [
    ("优惠力度大", ["经常能领到满减券", "会员日折扣很实在", "新人券直接抵了{n}0 块"]),
    ("下单很方便", ["三步就能付完款", "常买的东西一键再来一单", "地址和发票都记住了"]),
    ("配送很快", ["上午下单下午就到", "这次只等了{n}个小时", "快递员还提前打电话"]),
    ("商品种类齐全", ["进口零食也能买到", "生鲜和日用品一次买齐", "小众品牌也有旗舰店"]),
    ("客服态度好", ["退换货很顺利", "{n}分钟就有人工回复", "问题当场就解决了"]),
    ("会员权益实用", ["每个月能省{n}0 块", "免运费这一条就值回会员费", "积分能直接抵现"]),
]
COMPLAINTS = [
    ("配送太慢", ["三线城市经常要等{n}天", "显示次日达结果第{n}天才到", "节假日基本停摆"]),
    ("结账页面卡", ["付款失败了{n}次", "点提交订单没反应", "优惠券一多就转圈"]),
    ("价格没优势", ["别的平台便宜{n}块钱", "活动价比平时还贵", "运费算下来不划算"]),
    ("客服回复慢", ["排队等了{n}0 分钟", "机器人一直答非所问", "退款拖了{n}天"]),
    ("弹窗广告太多", ["一打开就是{n}个弹窗", "关都关不掉", "推送半夜还在发"]),
    ("优惠券规则复杂", ["叠加规则看不懂", "领了{n}张结果一张用不了", "满减门槛老是差一点"]),
]
NEUTRAL = [
    ("还行吧", ["没有特别好也没有特别差", "跟别的平台差不多", "看活动力度"]),
    ("整体可以", ["就是有时候加载慢", "偶尔配送会晚{n}天", "价格一般般"]),
]
OPENERS = ["", "说实话，", "总的来说，", "用了挺久，", "我觉得", "个人感觉", "最近几次"]
CLOSERS = ["", "", "。希望保持", "，会继续用", "，希望改进", "，有点失望", "。"]
SUGGESTIONS = [
    ("结账流程", ["能不能少填几步", "希望支持一键支付", "优惠券自动帮我选最优的"]),
    ("配送时效", ["小城市能不能再快一些", "希望能预约送达时间", "物流信息更新及时一点"]),
    ("弹窗广告", ["减少一些", "给一个彻底关闭的开关", "别在结账时弹出来"]),
    ("搜索", ["结果不够准", "希望能按销量和评价筛选", "错别字也能搜到就好了"]),
    ("客服", ["能不能有人工快速通道", "晚上也要有人在线", "退款进度能在 App 里看到"]),
    ("优惠券规则", ["写得简单点", "到期前提醒一下", "别设那么多门槛"]),
]


def _compose(rng: random.Random, parts: list[tuple[str, list[str]]], joiner: str) -> str:
    topic, details = rng.choice(parts)
    detail = rng.choice(details).format(n=rng.randint(2, 9))
    text = f"{rng.choice(OPENERS)}{topic}{joiner}{detail}"
    if rng.random() < 0.35:  # a second point, as many people write two
        other, more = rng.choice(parts)
        if other != topic:
            text += f"，而且{other}，{rng.choice(more).format(n=rng.randint(2, 9))}"
    return text + (rng.choice(CLOSERS) or "。")


def nps_reason(rng: random.Random, score: int) -> str:
    """Why the respondent gave *score* out of 10."""
    if score >= 9:
        return _compose(rng, PRAISE, "，")
    if score <= 6:
        return _compose(rng, COMPLAINTS, "，")
    return _compose(rng, NEUTRAL, "，")


def suggestion(rng: random.Random) -> str:
    """The one thing to improve (people often name two), or "" (about a quarter leave it
    blank)."""
    if rng.random() < 0.25:
        return ""
    asks = ["", "希望", "建议", "强烈建议", "最好", "麻烦"]
    topic, details = rng.choice(SUGGESTIONS)
    text = f"{rng.choice(asks)}{topic}{rng.choice(details)}"
    if rng.random() < 0.5:
        other, more = rng.choice(SUGGESTIONS)
        if other != topic:
            text += f"；另外{other}{rng.choice(more)}"
    return text + rng.choice(["。", "，谢谢。", "！", "。辛苦了"])
