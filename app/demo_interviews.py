"""Two demo interview transcripts with a small codebook and coded passages.

Written for the demo study (the mobile app's new checkout flow, the topics of the
`app_satisfaction` questionnaire): one new user, one long-time user. They go through the
same services as an upload and a coder (`app.interviews.services`, `app.interviews.coding`),
so the interview pages, the codebook and the analysis show what a real study would.
"""

from typing import Any

from app.extensions import db
from app.interviews import coding
from app.interviews import services as interviews
from app.models import Code, ImportStatus, Interview, Study, User

NEW_USER = """\
主持人：您好，感谢您抽时间参加这次访谈。先请您简单介绍一下，您是什么时候开始用我们的 App 的？
受访者：我是上个月才下载的，朋友推荐的，说新用户有红包。
主持人：第一次打开的时候，印象怎么样？
受访者：界面挺干净的，首页的分类也清楚，找东西不费劲。
主持人：您第一次下单是买的什么？
受访者：买了一箱牛奶和一些水果，想试试配送快不快。
主持人：下单的过程顺利吗？
受访者：选商品挺顺的，但是到结账那一步就有点乱了。新版结账页要先选地址，再选配送时间，再选优惠券，来回跳了好几次。
主持人：具体是哪一步让您觉得乱？
受访者：优惠券那里。页面上写着新人红包二十元，可是门槛是满一百九十九才能用，我买的东西才八十多块。红包门槛过高，等于看得见用不了，挺失望的。
主持人：当时您是怎么处理的？
受访者：我又凑了一些纸巾和洗衣液，凑到两百，才用上那个红包。其实那些东西我不是很急着要。
主持人：付款的时候有没有遇到问题？
受访者：付款倒是很快，微信支付一下就好了，这点很满意。
主持人：配送呢？
受访者：配送比我想的快，下午下单，晚上七点就到了，水果也很新鲜，没有磕碰。
主持人：有没有联系过客服？
受访者：没有，暂时还没遇到需要找客服的事情。
主持人：如果让您给朋友推荐，您会怎么说？
受访者：我会说东西新鲜、送得快，但是提醒他别被红包骗了，先看清楚门槛。
主持人：您觉得结账流程最应该改哪里？
受访者：最好一进结账页就告诉我现在能用哪些券，还差多少钱能用，不要让我自己算。
主持人：还有别的想补充的吗？
受访者：地址填写那里，小区名字搜不到，只能手动输入，希望能改进。
主持人：好的，非常感谢您的分享。
受访者：不客气，希望越做越好。
"""

LOYAL_USER = """\
主持人：您好，听说您用我们的 App 已经三年多了，平时主要用来买什么？
受访者：主要是买菜和日用品，一周大概下三四单，家里的东西基本都在这上面买。
主持人：最近新版结账流程上线了，您用下来感觉怎么样？
受访者：说实话不太习惯。以前一个页面就能确认，现在要点三四次才能付款，步骤太多了。
主持人：能举个例子吗？
受访者：比如我每次都送到家里，地址从来不变，可是新版每次都要我重新确认一遍地址，很麻烦。
主持人：那配送时间的选择呢？
受访者：配送时间可以选半小时一档，这个改进我挺喜欢的，比以前准多了。
主持人：优惠和价格方面，您怎么看？
受访者：老用户的优惠越来越少了，会员费涨了，可是会员券的门槛也跟着提高，感觉不太划算。
主持人：您有没有考虑过换别的平台？
受访者：考虑过，隔壁平台的会员更便宜。但是你们的生鲜质量确实好，所以还在用。
主持人：最近一次和客服打交道是什么情况？
受访者：上周有一盒鸡蛋碎了两个，我在 App 里申请售后，客服十分钟就回复了，直接退了钱，处理得很干脆。
主持人：您对那次售后满意吗？
受访者：很满意，这也是我一直留下来的原因之一。
主持人：App 的打开速度和加载速度呢？
受访者：首页加载有时候比较慢，特别是晚上高峰的时候，图片要转好几秒才出来。
主持人：如果只能改一件事，您希望改什么？
受访者：把结账流程改回简单一点，常用地址和常用支付方式默认选好，一步就能下单。
主持人：您觉得直播购物这些新功能有用吗？
受访者：我基本不看直播，对我来说有点多余，反而让首页变得很挤。
主持人：好的，今天就到这里，谢谢您。
受访者：谢谢，也希望你们多听听老用户的意见。
"""

TRANSCRIPTS: tuple[dict[str, Any], ...] = (
    {
        "filename": "访谈01-新用户.txt",
        "text": NEW_USER,
        "fields": {
            "title": "访谈 01：新用户的第一次下单",
            "participant_label": "P01",
            "consent": "given",
            "attributes": {"用户类型": "新用户", "城市等级": "二线"},
        },
    },
    {
        "filename": "访谈02-老用户.txt",
        "text": LOYAL_USER,
        "fields": {
            "title": "访谈 02：三年老用户看新版结账",
            "participant_label": "P02",
            "consent": "given",
            "attributes": {"用户类型": "老用户", "城市等级": "一线"},
        },
    },
)

# name → description; sub-codes name their parent.
CODEBOOK = (
    ("结账流程", None, "下单、确认地址、选券、付款的步骤与体验"),
    ("步骤繁琐", "结账流程", "步骤太多、来回跳转、重复确认"),
    ("支付顺畅", "结账流程", "付款快、无障碍"),
    ("价格与优惠", None, "红包、优惠券、会员价与门槛"),
    ("优惠门槛", "价格与优惠", "红包或券的使用门槛过高、凑单"),
    ("配送", None, "配送时效与商品新鲜度"),
    ("客服与售后", None, "联系客服、售后处理"),
    ("改进建议", None, "受访者自己提出的改法"),
)

# (transcript index, code, passage): each passage is found in the participant's turns.
HIGHLIGHTS = (
    (0, "步骤繁琐", "来回跳了好几次"),
    (0, "优惠门槛", "红包门槛过高，等于看得见用不了，挺失望的"),
    (0, "优惠门槛", "凑到两百，才用上那个红包"),
    (0, "支付顺畅", "付款倒是很快，微信支付一下就好了，这点很满意"),
    (0, "配送", "配送比我想的快，下午下单，晚上七点就到了，水果也很新鲜"),
    (0, "改进建议", "最好一进结账页就告诉我现在能用哪些券，还差多少钱能用"),
    (1, "步骤繁琐", "现在要点三四次才能付款，步骤太多了"),
    (1, "步骤繁琐", "新版每次都要我重新确认一遍地址，很麻烦"),
    (1, "配送", "配送时间可以选半小时一档，这个改进我挺喜欢的"),
    (1, "优惠门槛", "会员券的门槛也跟着提高，感觉不太划算"),
    (1, "客服与售后", "客服十分钟就回复了，直接退了钱，处理得很干脆"),
    (1, "改进建议", "常用地址和常用支付方式默认选好，一步就能下单"),
)


def seed_interviews(study: Study, user: User) -> None:
    """Import, save and code the demo transcripts once; a second run changes nothing.

    An interview is found again by its title; a preview left by an interrupted run is saved;
    codes are found by name and a highlight already made is skipped by `add_highlights`.
    """
    saved = []
    for spec in TRANSCRIPTS:
        interview = db.session.scalar(
            db.select(Interview).where(
                Interview.study_id == study.id, Interview.title == spec["fields"]["title"]
            )
        )
        if interview is None:
            [interview], _ = interviews.upload_transcripts(
                study,
                user,
                [(spec["filename"], spec["text"].encode("utf-8"))],
                interviews.ImportOptions(mask=False),
            )
        if interview.status is ImportStatus.PREVIEW:
            interviewers = {t.speaker for t in interview.turns if t.is_interviewer}
            interviews.save_preview(interview, spec["fields"], {}, interviewers)
        saved.append(interview)
    codes = _codebook(study)
    for index, name, passage in HIGHLIGHTS:
        turn = next(t for t in saved[index].turns if not t.is_interviewer and passage in t.text)
        start = turn.text.index(passage)
        coding.add_highlights(
            study, turn, user, start, start + len(passage), [codes[name]], commit=False
        )
    db.session.commit()


def _codebook(study: Study) -> dict[str, Code]:
    codes = {
        c.name: c for c in db.session.scalars(db.select(Code).where(Code.study_id == study.id))
    }
    for name, parent, description in CODEBOOK:
        if name not in codes:
            codes[name] = coding.create_code(
                study,
                {
                    "name": name,
                    "parent_id": codes[parent].id if parent else None,
                    "description": description,
                },
                commit=False,
            )
    return codes
