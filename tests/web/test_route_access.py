"""The access matrix over every route (issue 29.6, STYLE 13): generated from `app.url_map`,
each URL rule with each method it accepts is tried as anonymous, each study role, a member of
another study and an administrator, and the status is checked against `ACCESS`, one entry per
endpoint. Where a rule takes the ids of objects under a study, the study's members try it
again with the ids of the other study's objects, in their own study's URL: 404 for each.
A route added without an entry fails `test_every_route_has_an_entry`, naming it.

The fixture database is built once (one of each object in two studies) and restored after
each request that wrote to it (SQLite's backup API), so every caller meets the same objects.
Runs on SQLite only: the restore is what keeps the walk quick, and the rules checked here are
the same on every database."""

import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from werkzeug.routing import Rule

from analysis.findings.query import Query
from app.accounts import services as accounts
from app.extensions import db
from app.findings import insights, shares, waves
from app.findings.reports import submit_report
from app.interviews import coding
from app.models import (
    AccessToken,
    AnswerCode,
    Insight,
    Membership,
    Need,
    NeedEvidence,
    NeedStatus,
    OrganisationRole,
    OutreachTarget,
    Participant,
    Role,
    Segment,
    TokenScope,
    WebhookDelivery,
    WebhookEventType,
)
from app.models.types import utcnow
from app.needs import evidence as need_evidence
from app.needs import services as needs
from app.notices import services as notices
from app.questionnaires import services as questionnaires
from app.studies import services as studies
from app.tokens.services import PREFIX, secret_hash
from app.webhooks import addresses, outbox
from app.webhooks import endpoints as webhooks
from tests import definitions as d
from tests.conftest import make_app
from tests.factories import (
    make_code,
    make_interview,
    make_organisation,
    make_published,
    make_study,
    make_user,
    submit_all,
)

SURVEY = d.definition(
    d.page(
        "p1",
        d.single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "二线")], required=True),
        d.nps(required=True),
        d.long_text("why", "原因"),
    ),
    title="结账满意度",
)
# A gap the insight scan finds (tier 1 recommends, tier 2 does not).
ANSWERS = [{"tier": "t1", "nps": 9, "why": "配送快，包装好"}] * 60 + [
    {"tier": "t2", "nps": 3, "why": "退款太慢"}
] * 45
PASSWORD = "correct horse battery"
ROLES = {
    "owner": Role.OWNER,
    "researcher": Role.RESEARCHER,
    "viewer": Role.VIEWER,
    "product_manager": Role.PRODUCT_MANAGER,
}
CALLERS = ["anonymous", "outsider", "viewer", "product_manager", "researcher", "owner", "admin"]
MEMBERS = ["viewer", "product_manager", "researcher", "owner"]


@dataclass
class World:
    """The app, its signed-in clients and the URL values of study A's and study B's objects."""

    app: object
    database: str
    pristine: sqlite3.Connection
    watch: sqlite3.Connection | None = None
    seen: int = 0  # `PRAGMA data_version` of the database as built
    clients: dict = field(default_factory=dict)
    cookies: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    api_tokens: dict = field(default_factory=dict)  # caller → the secret of their API token
    own: dict = field(default_factory=dict)
    other: dict = field(default_factory=dict)

    def _version(self) -> int:
        """Changes whenever another connection (the app's) has written to the database."""
        assert self.watch is not None
        return self.watch.execute("PRAGMA data_version").fetchone()[0]

    def restore_if_written(self) -> None:
        """Back to the database as it was built, if a request wrote to it (the app's pooled
        connections stay open)."""
        if self._version() == self.seen:
            return
        live = sqlite3.connect(self.database)
        try:
            self.pristine.backup(live)
        finally:
            live.close()
        self.seen = self._version()


def _api_token(user, study_id: int) -> tuple[int, str]:
    """A write token of *user* for the study, made as a token made before a role change would
    be (the creation form offers write only to roles that may submit): what it may do is
    decided at each request."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken(
        user_id=user.id,
        study_id=study_id,
        name="访问矩阵",
        scope=TokenScope.WRITE,
        token_hash=secret_hash(secret),
        hint=secret[:11],
        expires_at=utcnow() + timedelta(days=1),
    )
    db.session.add(token)
    db.session.flush()
    return token.id, secret


def _study_objects(owner, members, invitee: str) -> dict:
    """A study with one of each object under it, as the URL values that name them."""
    study = make_study(owner, members=members)
    questionnaire = make_published(SURVEY, study=study)
    [response_id, *_] = submit_all(questionnaire, ANSWERS, secret="route-access")
    interview = make_interview(study)
    turn = interview.turns[-1]
    code = make_code(study, "配送")
    [highlight] = coding.add_highlights(study, turn, owner, 0, 2, [code])
    need = needs.create_need(study, owner, {"statement": "退款更快", "kano": ""})
    notices.save_notice(study, {"purpose": "了解结账体验"}, owner)
    insights.run_scan(questionnaire, Query.of(), owner)
    insight_id = db.session.scalar(
        db.select(Insight.id).where(Insight.questionnaire_id == questionnaire.id).limit(1)
    )
    assert insight_id is not None
    need_evidence.link_highlight(need, owner, highlight)
    evidence_id = db.session.scalar(
        db.select(NeedEvidence.id).where(NeedEvidence.need_id == need.id)
    )
    share, share_token = shares.create_share(
        questionnaire, owner, Query.of(), expires="30", include_quotes=False
    )
    job = submit_report(questionnaire, Query.of(), "xlsx", actor=owner, locale="zh_CN")
    invitation = studies.invite_member(study, invitee, Role.VIEWER, owner)
    wave = questionnaire
    for _ in range(2):  # three waves: the waves page draws their trends
        wave = waves.start_next_wave(wave, owner)
        questionnaires.publish(wave, owner)
        submit_all(wave, ANSWERS[::5], secret="route-access")
    endpoint = webhooks.create_endpoint(
        study, owner, url="https://receiver.example.cn/hooks", description="",
        event_types=["response.completed"],
        policy=addresses.AddressPolicy(allow_private_networks=True),  # no DNS look-up
    )  # fmt: skip
    outbox.record(
        WebhookEventType.RESPONSE_COMPLETED,
        questionnaire.id,
        outbox.response_payload(response_id, questionnaire.id),
    )
    delivery_id = db.session.scalar(
        db.select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    )
    researchers = {user: OrganisationRole.RESEARCHER for user, role in members.items()
                   if role is Role.RESEARCHER}  # fmt: skip
    organisation = make_organisation(owner, members=researchers)
    participant = Participant(organisation_id=organisation.id, name="访问矩阵", city_tier="一线")
    db.session.add(participant)
    study.organisation_id = organisation.id
    rule = {"kind": "attribute", "field": "city_tier", "op": "equals", "values": ["一线"]}
    segment = Segment(organisation_id=organisation.id, name="一线", rules={"rules": [rule]})
    db.session.add(segment)
    db.session.flush()
    target = OutreachTarget(study_id=study.id, segment_id=segment.id,
                            questionnaire_id=questionnaire.id, split_targets={})  # fmt: skip
    db.session.add(target)
    db.session.flush()
    membership_id = db.session.scalar(
        db.select(Membership.id).where(
            Membership.study_id == study.id, Membership.user_id != owner.id
        )
    ) or db.session.scalar(db.select(Membership.id).where(Membership.study_id == study.id))
    db.session.commit()
    return {
        "study_id": study.id,
        "organisation_id": organisation.id,
        "participant_id": participant.id,
        "segment_id": segment.id,
        "target_id": target.id,
        "questionnaire_id": questionnaire.id,
        "slug": questionnaire.slug,
        "number": 1,
        "response_id": response_id,
        "interview_id": interview.id,
        "turn_id": turn.id,
        "code_id": code.id,
        "highlight_id": highlight.id,
        "need_id": need.id,
        "evidence_id": evidence_id,
        "insight_id": insight_id,
        "share_id": share.id,
        "share_token": share_token,
        "job_id": job.id,
        "invitation_id": invitation.id,
        "membership_id": membership_id,
        "endpoint_id": endpoint.id,
        "delivery_id": delivery_id,
        "question_id": "why",
    }


# URL values that are not ids: one per endpoint that takes them.
FIXED_VALUES = {
    "questionnaires.export": {"fmt": "json"},
    "questionnaires.qr_code": {"fmt": "svg"},
    "notices.show": {"version": 1},  # each study's own first version
    "privacy.processing_record_download": {"kind": "md"},
    "outreach.links": {"fmt": "csv"},
    "needs.export": {"fmt": "csv"},
    "needs.trend_chart": {"name": "status"},
    "admin.set_active": {"change": "deactivate"},
    "studies.answer_invitation": {"answer": "accept"},
    "main.set_language": {"code": "en"},
    "responses.import_check": {"upload": "0" * 32},
    "directory.import_check": {"upload": "0" * 32},
    "static": {"filename": "css/app.css"},
    "bootstrap.static": {"filename": "css/font/bootstrap-icons.min.css"},
}
# Bodies for views whose empty body would end in a 404 of their own (an object the body names),
# which would hide whether the caller got past the authorisation: from one study's objects.
BODIES = {
    "interviews.add_highlight": lambda objects: {
        "turn": objects["turn_id"],
        "codes": [objects["code_id"]],
        "start": 0,
        "end": 1,
    },
    # Valid answers: those the role lets through meet the missing Idempotency-Key (400).
    "api.submit_response": lambda objects: {"answers": {"tier": "t1", "nps": 9}},
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _csrf(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def _harvest(client, values: dict) -> None:
    """The chart URLs the study's pages show (their keys are made from the data)."""
    base = f"/studies/{values['study_id']}"
    q = values["questionnaire_id"]
    page = client.get(f"{base}/questionnaires/{q}/results/").get_data(as_text=True)
    values["results_chart"] = re.search(r"/results/charts/([0-9a-f]+)/([^\"?]+)", page).groups()
    page = client.get(f"/shared/{values['share_token']}").get_data(as_text=True)
    values["shared_chart"] = re.search(r"/charts/([^\"?/]+)\"", page).group(1)
    page = client.get(f"{base}/findings/{q}/waves").get_data(as_text=True)
    found = re.search(r"/waves/charts/([^/\"]+)/([^\"?]+)", page)
    values["wave_chart"] = found.groups()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("route-access")
    database = str(folder / "wenfang.sqlite3")
    app = make_app(f"sqlite:///{database}", folder / "instance", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        users = {name: make_user(f"{name}@example.cn") for name in [*MEMBERS, "outsider"]}
        users["admin"] = make_user("admin@example.cn", is_admin=True)
        target = make_user("target@example.cn")
        own = _study_objects(
            users["owner"],
            {users[name]: ROLES[name] for name in MEMBERS if name != "owner"},
            "outsider@example.cn",
        )
        other = _study_objects(users["outsider"], {}, "stranger@example.cn")
        password_token = accounts.issue_password_link(target)
        api_tokens = {name: _api_token(users[name], own["study_id"]) for name in MEMBERS}
        api_tokens["outsider"] = _api_token(users["outsider"], other["study_id"])
        db.session.commit()
        for values in (own, other):
            values.update(user_id=target.id, password_token=password_token)
        own["token_id"] = api_tokens["owner"][0]
        other["token_id"] = api_tokens["outsider"][0]
        db.session.remove()
    world = World(app=app, database=database, pristine=sqlite3.connect(":memory:"))
    world.api_tokens = {caller: secret for caller, (_, secret) in api_tokens.items()}
    for caller in CALLERS:
        client = app.test_client()
        if caller == "anonymous":
            world.tokens[caller] = _csrf(client, "/login")
        else:
            form = {"email": f"{caller}@example.cn", "password": PASSWORD}
            form["csrf_token"] = _csrf(client, "/login")
            assert client.post("/login", data=form).status_code == 302, caller
            world.tokens[caller] = _csrf(client, "/account/password")
        world.clients[caller] = client
    _harvest(world.clients["owner"], own)
    _harvest(world.clients["outsider"], other)
    for caller, client in world.clients.items():
        world.cookies[caller] = [
            (c.key, c.value, c.domain, c.path) for c in client._cookies.values()
        ]
    world.own, world.other = own, other
    source = sqlite3.connect(database)
    source.backup(world.pristine)
    source.close()
    world.watch = sqlite3.connect(database)
    world.seen = world._version()
    yield world
    with app.app_context():
        db.engine.dispose()


def _values(rule: Rule, objects: dict) -> dict:
    """The URL values of *rule* naming *objects* (one study's)."""
    values = dict(FIXED_VALUES.get(rule.endpoint, {}))
    for name in rule.arguments - values.keys():
        if name == "token":
            shared = rule.endpoint.startswith("shared.")
            values[name] = objects["share_token" if shared else "password_token"]
        elif name in ("key", "name"):
            chart = {"results.chart": "results_chart", "findings.wave_chart": "wave_chart"}
            if rule.endpoint == "shared.chart":
                values[name] = objects["shared_chart"]
            else:
                values[name] = objects[chart[rule.endpoint]][0 if name == "key" else 1]
        else:
            values[name] = objects[name]
    return values


def _call(world: World, caller: str, rule: Rule, method: str, objects: dict, values: dict):
    """The status of one request (``"login"`` for a redirect to the sign-in page), on the
    database as it was built: restored after each request that wrote to it."""
    world.restore_if_written()
    client = world.app.test_client()
    for key, value, domain, path in world.cookies[caller]:
        client.set_cookie(key, value, domain=domain, path=path)
    _, url = rule.build(values, append_unknown=False)
    # An empty JSON object unless the view needs more: form views find an empty form, JSON
    # views an empty body. The CSRF token rides in the header, which Flask-WTF reads too.
    body = None
    if method != "GET":
        body = BODIES[rule.endpoint](objects) if rule.endpoint in BODIES else {}
    headers = {"X-CSRFToken": world.tokens[caller]}
    if url.startswith("/api/v1/") and caller in world.api_tokens:
        headers["Authorization"] = f"Bearer {world.api_tokens[caller]}"
    response = client.open(url, method=method, json=body, headers=headers)
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and location.split("?")[0].endswith("/login"):
        return "login"
    return response.status_code


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


LOGIN = "login"  # a redirect to the sign-in page
READ = frozenset(MEMBERS)
RESPONDENT_DATA = frozenset({"viewer", "researcher", "owner"})  # not the product manager
EDIT = frozenset({"researcher", "owner"})
NEEDS = frozenset({"product_manager", "researcher", "owner"})
OWNER = frozenset({"owner"})


@dataclass(frozen=True)
class Expect:
    """The status of each caller; *allowed*: those who get past the authorisation (whose
    request with another study's ids must then be 404)."""

    statuses: dict
    allowed: frozenset = frozenset()


def public(ok, *, signed_in=None) -> Expect:
    """Anyone, signed in or not (*signed_in*: what the signed-in get instead)."""
    statuses = dict.fromkeys(CALLERS, ok)
    if signed_in is not None:
        statuses.update({caller: signed_in for caller in CALLERS if caller != "anonymous"})
    return Expect(statuses, frozenset(CALLERS))


def signed_in(ok) -> Expect:
    """Any account, whatever its studies."""
    return Expect({"anonymous": LOGIN, **dict.fromkeys(CALLERS[1:], ok)}, frozenset(CALLERS[1:]))


def admin(ok) -> Expect:
    return Expect(
        {**dict.fromkeys(CALLERS, 403), "anonymous": LOGIN, "admin": ok}, frozenset({"admin"})
    )


def study(ok, roles: frozenset = READ) -> Expect:
    """A study's route: 404 to anyone not a member (an administrator too: no powers in a
    study), 403 to a member whose role lacks the capability, *ok* to *roles*."""
    statuses = {"anonymous": LOGIN, "outsider": 404, "admin": 404}
    statuses.update({member: ok if member in roles else 403 for member in MEMBERS})
    return Expect(statuses, roles)


def api(ok, roles: frozenset = READ) -> Expect:
    """A REST API route, called with each caller's token (`World.api_tokens`): 401 without one
    (anonymous, and the administrator, who has no study to make one for), 404 to the
    outsider's token (another study's), 403 to a member whose role lacks the capability now,
    whatever the token's scope."""
    statuses = {"anonymous": 401, "admin": 401, "outsider": 404}
    statuses.update({member: ok if member in roles else 403 for member in MEMBERS})
    return Expect(statuses, roles)


def directory_admin(ok) -> Expect:
    """A route of an organisation's directory for its administrators (the study's owner
    here): 403 to one of its researchers, 404 to anyone outside it (an install administrator
    too)."""
    statuses = {**dict.fromkeys(CALLERS, 404), "anonymous": LOGIN, "researcher": 403}
    return Expect({**statuses, "owner": ok}, frozenset({"owner"}))


def directory_member(ok) -> Expect:
    """A route of an organisation's directory for its researchers and administrators (the
    study's researcher and owner here): 404 to anyone outside it."""
    statuses = {**dict.fromkeys(CALLERS, 404), "anonymous": LOGIN}
    return Expect({**statuses, "researcher": ok, "owner": ok}, frozenset({"researcher", "owner"}))


def outreach(ok, roles: frozenset = EDIT) -> Expect:
    """A study's outreach route: a study route whose callers also need a role in the study's
    directory (the viewer and the product manager have none: 403)."""
    return study(ok, roles)


def only(caller: str, ok, *, others) -> Expect:
    return Expect({**dict.fromkeys(CALLERS, others), "anonymous": LOGIN, caller: ok}, frozenset())


# One entry per endpoint: method → what each caller gets. With an empty body, a POST by those
# allowed ends in its own redirect (302), form errors (200, 400, 422) or a JSON refusal.
ACCESS = {
    # ---- public: static files, health, respondents, share links, sign-in ----------------------
    "static": {"GET": public(200)},
    "bootstrap.static": {"GET": public(200)},
    "main.healthz": {"GET": public(200)},
    "main.readyz": {"GET": public(200)},
    "main.set_language": {"POST": public(302)},
    "main.index": {"GET": public(LOGIN, signed_in=302)},
    "respond.form": {"GET": public(200)},
    "respond.consent": {"POST": public(200)},  # no "agree": the declined page
    "respond.progress": {"POST": public(200), "PUT": public(200)},
    "respond.submit": {"POST": public(400)},  # no Idempotency-Key
    "respond.submit_form": {"POST": public(400)},  # no page key
    "respond.receipt": {"GET": public(200), "POST": public(200)},  # no code: asked again
    "respond.receipt_download": {"POST": public(400)},  # no code
    "respond.receipt_erase": {"POST": public(400)},
    "shared.view_dashboard": {"GET": public(200)},
    "shared.chart": {"GET": public(200)},
    "shared.report": {"GET": public(200)},
    "accounts.login": {"GET": public(200, signed_in=302), "POST": public(200, signed_in=302)},
    "api-docs.openapi_json": {"GET": public(200)},
    "accounts.set_password": {"GET": public(200), "POST": public(200)},
    # ---- any account ---------------------------------------------------------------------
    "accounts.logout": {"POST": public(LOGIN)},
    "accounts.sign_out_everywhere": {"POST": public(LOGIN)},
    "accounts.change_password": {"GET": signed_in(200), "POST": signed_in(200)},
    "studies.index": {"GET": signed_in(200)},
    "studies.create": {"GET": signed_in(200), "POST": signed_in(200)},
    # the pending invitation is addressed to the outsider: anyone else's is not found
    "studies.answer_invitation": {"POST": only("outsider", 302, others=404)},
    # ---- administrators --------------------------------------------------------------------
    "admin.users": {"GET": admin(200), "POST": admin(200)},
    "admin.audit_log": {"GET": admin(200)},
    "admin.reset_password": {"POST": admin(200)},
    "admin.set_active": {"POST": admin(302)},
    # ---- a study: read by every member -------------------------------------------------------
    "studies.show": {"GET": study(200)},
    "studies.members": {"GET": study(200), "POST": study(200, OWNER)},
    "questionnaires.index": {"GET": study(200)},
    "questionnaires.show": {"GET": study(200)},
    "questionnaires.version": {"GET": study(200)},
    "questionnaires.draft": {"GET": study(200)},
    "questionnaires.export": {"GET": study(200)},
    "questionnaires.qr_code": {"GET": study(200)},
    "questionnaires.preview": {"GET": study(200)},
    "questionnaires.preview_progress": {"POST": study(200)},
    "questionnaires.preview_submit": {"POST": study(400)},
    "results.summary": {"GET": study(200)},
    "results.chart": {"GET": study(200)},
    "results.weighting_page": {"GET": study(200)},
    "results.analysis_builder": {"GET": study(200), "POST": study(422)},
    "results.analysis_json": {"POST": study(422)},
    "findings.index": {"GET": study(200)},
    "findings.dashboard_page": {"GET": study(200)},
    "findings.insights": {"GET": study(200)},
    "findings.insight": {"GET": study(200)},
    "findings.insight_chart": {"GET": study(200)},
    "findings.waves": {"GET": study(200)},
    "findings.wave_chart": {"GET": study(200)},
    "findings.create_report": {"POST": study(400)},  # no format
    "findings.report_job": {"GET": study(200)},
    "findings.report_job_status": {"GET": study(200)},
    "findings.report_download": {"GET": study(200)},
    "findings.cancel_report": {"POST": study(302)},  # already finished: said so, back to it
    "voices.index": {"GET": study(200)},
    "interviews.codes": {"GET": study(200), "POST": study(200, EDIT)},
    "interviews.export_codebook": {"GET": study(200)},
    "needs.board": {"GET": study(200)},
    "needs.table": {"GET": study(200)},
    "needs.show": {"GET": study(200)},
    "needs.export": {"GET": study(200)},
    "needs.trends_page": {"GET": study(200)},
    "needs.trend_chart": {"GET": study(200)},
    "needs.ipa_chart": {"GET": study(404)},  # no need of the fixture names both questions
    # ---- respondent-level data: every member but the product manager -------------------------
    "responses.index": {"GET": study(200, RESPONDENT_DATA)},
    "results.responses": {"GET": study(200, RESPONDENT_DATA)},
    "results.response": {"GET": study(200, RESPONDENT_DATA)},
    "results.export_csv": {"GET": study(200, RESPONDENT_DATA)},
    "results.export_page": {
        "GET": study(200, RESPONDENT_DATA),
        "POST": study(302, RESPONDENT_DATA),
    },
    # the fixture's job is a findings report, not an export: 404 once past the role check
    "results.export_job": {"GET": study(404, RESPONDENT_DATA)},
    "results.export_job_status": {"GET": study(404, RESPONDENT_DATA)},
    "results.export_download": {"GET": study(404, RESPONDENT_DATA)},
    "results.cancel_export": {"POST": study(404, RESPONDENT_DATA)},
    "results.text": {"GET": study(200, RESPONDENT_DATA)},
    "voices.grid": {"GET": study(200, RESPONDENT_DATA), "POST": study(200, EDIT)},
    "voices.quotes_view": {"GET": study(200, RESPONDENT_DATA)},
    "interviews.index": {"GET": study(200, RESPONDENT_DATA)},
    "interviews.show": {"GET": study(200, RESPONDENT_DATA)},
    "interviews.quotes": {"GET": study(200, RESPONDENT_DATA)},
    "interviews.search": {"GET": study(200, RESPONDENT_DATA), "POST": study(200, EDIT)},
    "interviews.analysis": {"GET": study(200, RESPONDENT_DATA)},
    # ---- needs: managed by all but viewers -----------------------------------------------------
    "needs.new": {"GET": study(200, NEEDS), "POST": study(200, NEEDS)},
    "needs.edit": {"POST": study(302, NEEDS)},
    "needs.move": {"POST": study(400, NEEDS)},
    "needs.bulk": {"POST": study(302, NEEDS)},
    "needs.comment": {"POST": study(302, NEEDS)},
    "needs.override": {"POST": study(302, NEEDS)},
    "needs.merge": {"POST": study(400, NEEDS)},
    "needs.link": {"POST": study(400, NEEDS)},
    "needs.unlink": {"POST": study(302, NEEDS)},
    # ---- a study's editors: researchers and owners -------------------------------------------
    "studies.edit": {"GET": study(200, EDIT), "POST": study(302, EDIT)},
    "questionnaires.create": {"GET": study(200, EDIT), "POST": study(200, EDIT)},
    "questionnaires.import_file": {"POST": study(422, EDIT)},
    "questionnaires.builder": {"GET": study(200, EDIT)},
    "questionnaires.save_draft": {"PUT": study(400, EDIT)},
    "questionnaires.settings": {"GET": study(200, EDIT), "POST": study(422, EDIT)},
    "questionnaires.publish": {"POST": study(302, EDIT)},
    "questionnaires.change_status": {"POST": study(302, EDIT)},
    "questionnaires.archive": {"POST": study(302, EDIT)},
    "questionnaires.delete": {"POST": study(302, EDIT)},
    "questionnaires.clear_test_responses": {"POST": study(302, EDIT)},
    "responses.invitations": {"POST": study(422, EDIT)},
    "responses.import_page": {"GET": study(200, EDIT), "POST": study(422, EDIT)},
    "responses.import_check": {"POST": study(302, EDIT)},  # no such upload: back to the page
    "results.save_weighting": {"POST": study(422, EDIT)},
    "findings.dashboard_settings": {"GET": study(200, EDIT), "POST": study(302, EDIT)},
    "findings.scan_insights": {"POST": study(302, EDIT)},
    "findings.recompute_insight": {"POST": study(302, EDIT)},
    "findings.share_links": {"GET": study(200, EDIT), "POST": study(302, EDIT)},
    "findings.revoke_share_link": {"POST": study(302, EDIT)},
    "findings.start_wave": {"POST": study(302, EDIT)},
    "webhooks.index": {"GET": study(200, EDIT), "POST": study(200, EDIT)},  # POST: no URL
    "notices.index": {"GET": study(200), "POST": study(302, EDIT)},  # the latest, unchanged
    "notices.show": {"GET": study(200)},
    "privacy.processing_record": {"GET": study(200)},
    "privacy.processing_record_download": {"GET": study(200)},
    # ---- an organisation's directory: its administrators -------------------------------------
    "privacy.participant_data": {"GET": directory_admin(200)},
    "privacy.export_participant": {"POST": directory_admin(200)},
    "privacy.erase_participant": {"POST": directory_admin(302)},  # an empty form: not erased
    "directory.index": {"GET": directory_member(200)},
    "directory.create": {"GET": directory_member(200), "POST": directory_member(200)},
    "directory.record": {"GET": directory_member(200)},
    "directory.edit": {"GET": directory_member(200), "POST": directory_member(200)},
    "directory.reveal": {"POST": directory_member(200)},
    "directory.record_consent": {"POST": directory_member(302)},  # empty: back to the record
    "directory.fields": {"GET": directory_member(200), "POST": directory_member(200)},
    "directory.import_upload": {"GET": directory_member(200), "POST": directory_member(422)},
    # no kept file under that token: back to the upload
    "directory.import_check": {"GET": directory_member(302), "POST": directory_member(302)},
    "directory.cleaning_page": {"GET": directory_member(200)},
    "directory.merge": {"POST": directory_member(302)},  # an empty form: back to cleaning
    "directory.members_page": {"GET": directory_admin(200), "POST": directory_admin(200)},
    "directory.change_member": {"POST": directory_admin(302)},
    # ---- segments and outreach (issue 28.1–28.2) ------------------------------------------
    "outreach.segments": {"GET": directory_member(200)},
    "outreach.new_segment": {"GET": directory_member(200), "POST": directory_member(422)},
    "outreach.edit_segment": {"GET": directory_member(200), "POST": directory_member(422)},
    "outreach.preview_segment": {"POST": directory_member(200)},
    "outreach.outreach": {"GET": outreach(200, RESPONDENT_DATA)},  # a viewer: the page only
    "outreach.invite": {"POST": outreach(422)},
    "outreach.links": {"GET": outreach(200)},
    "outreach.remind": {"POST": outreach(200)},
    "outreach.set_target": {"POST": outreach(302)},
    "webhooks.endpoint": {"GET": study(200, EDIT)},
    "webhooks.disable": {"POST": study(302, EDIT)},
    "webhooks.enable": {"POST": study(302, EDIT)},
    "webhooks.delete": {"POST": study(302, EDIT)},
    "webhooks.replay": {"POST": study(302, EDIT)},
    "voices.bulk_code": {"POST": study(302, EDIT)},
    "voices.theme_to_code": {"POST": study(302, EDIT)},
    "voices.star_quote": {"POST": study(400, EDIT)},
    "voices.unstar_quote": {"POST": study(400, EDIT)},
    "interviews.upload": {"POST": study(302, EDIT)},
    # the fixture's job is a findings report, not a transcript import: 404 past the role check
    "interviews.import_job": {"GET": study(404, EDIT)},
    "interviews.import_job_status": {"GET": study(404, EDIT)},
    "interviews.cancel_import": {"POST": study(404, EDIT)},
    "interviews.preview": {"GET": study(302, EDIT), "POST": study(302, EDIT)},  # saved: back
    "interviews.edit": {"GET": study(200, EDIT), "POST": study(302, EDIT)},
    "interviews.delete": {"POST": study(302, EDIT)},
    "interviews.speakers": {"POST": study(302, EDIT)},
    "interviews.edit_turn": {"POST": study(302, EDIT)},
    "interviews.add_highlight": {"POST": study(201, EDIT)},
    "interviews.delete_highlight": {"POST": study(200, EDIT)},
    "interviews.highlight_memo": {"POST": study(302, EDIT)},
    "interviews.edit_code": {"GET": study(200, EDIT), "POST": study(200, EDIT)},
    "interviews.delete_code": {"POST": study(302, EDIT)},
    "interviews.import_codebook": {"POST": study(302, EDIT)},
    "interviews.import_attributes": {"POST": study(302, EDIT)},
    "interviews.import_project": {"POST": study(302, EDIT)},  # no file: back to the list
    "interviews.confirm_project_import": {"POST": study(302, EDIT)},  # no staged file: back
    "interviews.export_project": {"GET": study(200, EDIT)},
    "interviews.export_quotes_csv": {"GET": study(200, EDIT)},
    "interviews.export_quotes_xlsx": {"GET": study(200, EDIT)},
    # ---- the REST API, by personal access token ---------------------------------------------
    "api.studies": {"GET": Expect({**dict.fromkeys(CALLERS, 200), "anonymous": 401, "admin": 401})},
    "api.study": {"GET": api(200)},
    "api.questionnaires": {"GET": api(200)},
    "api.questionnaire": {"GET": api(200)},
    "api.versions": {"GET": api(200)},
    "api.version": {"GET": api(200)},
    "api.responses": {"GET": api(200, RESPONDENT_DATA)},
    "api.submit_response": {"POST": api(400, EDIT)},
    "api.interviews": {"GET": api(200, RESPONDENT_DATA)},
    "api.interview": {"GET": api(200, RESPONDENT_DATA)},
    "api.highlights": {"GET": api(200, RESPONDENT_DATA)},
    # ---- one's own API tokens: an empty form is 422; another's token is 404 -----------------
    "tokens.index": {"GET": signed_in(200)},
    "tokens.create": {"POST": signed_in(422)},
    "tokens.revoke": {"POST": only("owner", 302, others=404)},
    # ---- a study's owners -------------------------------------------------------------------
    "studies.archive": {"POST": study(302, OWNER)},
    "studies.audit_log": {"GET": study(200, OWNER)},
    "studies.change_role": {"POST": study(302, OWNER)},
    "studies.remove_member": {"POST": study(302, OWNER)},
    "studies.cancel_invitation": {"POST": study(302, OWNER)},
    "interviews.policy": {"POST": study(302, OWNER)},
    "results.delete_response": {"POST": study(302, OWNER)},
    "results.reveal_personal": {"POST": study(200, EDIT)},
}


def missing_entries(app) -> list[str]:
    """Each endpoint of *app* without an entry in `ACCESS`, or whose entry does not name
    exactly the methods its rules accept."""
    problems = []
    methods: dict[str, set] = {}
    for rule in app.url_map.iter_rules():
        methods.setdefault(rule.endpoint, set()).update(_methods(rule))
    for endpoint, accepted in sorted(methods.items()):
        if endpoint not in ACCESS:
            problems.append(f"{endpoint} ({', '.join(sorted(accepted))}) has no entry in ACCESS")
        elif set(ACCESS[endpoint]) != accepted:
            named, accepts = sorted(ACCESS[endpoint]), sorted(accepted)
            problems.append(f"{endpoint}: ACCESS names {named}, the route accepts {accepts}")
    problems += [
        f"{endpoint} is in ACCESS but no route" for endpoint in ACCESS.keys() - methods.keys()
    ]
    return problems


def test_every_route_has_an_entry(world):
    assert missing_entries(world.app) == []


def test_a_new_route_without_an_entry_is_named(tmp_path):
    app = make_app("sqlite://", tmp_path / "instance")
    app.add_url_rule("/studies/<int:study_id>/secret", "studies.secret", lambda study_id: "")
    assert missing_entries(app) == ["studies.secret (GET) has no entry in ACCESS"]


def _takes_other_ids(rule: Rule) -> bool:
    """Whether *rule* names objects under its study besides the study itself."""
    named = rule.arguments - {"study_id"} - FIXED_VALUES.get(rule.endpoint, {}).keys()
    return "study_id" in rule.arguments and bool(named)


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_each_caller_gets_the_expected_status(world, endpoint):
    """Every rule of *endpoint*, every method, every caller; then, for a rule that takes ids,
    each member in their own study's URL with the other study's objects: 404 for those the
    role lets through, and still a refusal for the others."""
    wrong = []
    for rule in (r for r in _rules(world.app) if r.endpoint == endpoint):
        for method in _methods(rule):
            expect = ACCESS[endpoint][method]
            values = _values(rule, world.own)
            for caller in CALLERS:
                got = _call(world, caller, rule, method, world.own, values)
                if got != expect.statuses[caller]:
                    wrong.append((rule.rule, method, caller, got, expect.statuses[caller]))
            if not _takes_other_ids(rule):
                continue
            mixed = {**_values(rule, world.other), "study_id": world.own["study_id"]}
            for caller in MEMBERS:
                # Refused either way: by the role first (403), or by the id first (404).
                want = {404} if caller in expect.allowed else {403, 404}
                got = _call(world, caller, rule, method, world.other, mixed)
                if got not in want:
                    wrong.append((rule.rule + " [other study's ids]", method, caller, got, want))
    assert wrong == [], "(rule, method, caller, got, expected): " + repr(wrong)


def _form_post(world: World, caller: str, path: str, form: dict):
    world.restore_if_written()
    client = world.app.test_client()
    for key, value, domain, path_ in world.cookies[caller]:
        client.set_cookie(key, value, domain=domain, path=path_)
    return client.post(path, data={**form, "csrf_token": world.tokens[caller]})


def test_a_post_without_the_csrf_token_is_refused(world):
    """The walk runs with CSRF protection on: without the token a member's POST is 400."""
    client = world.app.test_client()
    for key, value, domain, path in world.cookies["owner"]:
        client.set_cookie(key, value, domain=domain, path=path)
    edit = f"/studies/{world.own['study_id']}/edit"
    assert client.post(edit, data={"title": "改过的标题"}).status_code == 400


def test_ids_in_a_form_reach_only_the_callers_study(world):
    """Ids a form sends (not the URL's) are looked up in the caller's study too: a researcher
    ticking another study's response on the answer grid codes nothing there, and another
    study's need can neither be merged nor moved."""
    own, other = world.own, world.other
    base = f"/studies/{own['study_id']}"
    coded = _form_post(
        world,
        "researcher",
        f"{base}/voices/{own['questionnaire_id']}/why/codes",
        {"code_id": own["code_id"], "response_id": [other["response_id"], "9" * 30]},
    )
    assert coded.status_code == 302
    with world.app.app_context():
        assert db.session.scalar(db.select(db.func.count(AnswerCode.id))) == 0
        db.session.remove()
    merged = _form_post(
        world, "owner", f"{base}/needs/{own['need_id']}/merge", {"other": other["need_id"]}
    )
    assert merged.status_code == 400
    moved = _form_post(
        world,
        "owner",
        f"{base}/needs/table/bulk",
        {"need_id": other["need_id"], "status": "accepted"},
    )
    assert moved.status_code == 302
    with world.app.app_context():
        theirs = db.session.get(Need, other["need_id"])
        assert theirs is not None and theirs.status is not NeedStatus.ACCEPTED
        db.session.remove()
