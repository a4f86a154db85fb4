"""Reading the audit trail: each action key as a sentence in the reader's language, with the
fields it changed as "field: old → new". The one place that maps action keys to words;
`app.audit` writes the events."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.interviews.forms import CONSENT_LABELS, KIND_LABELS
from app.models import AuditEvent, Code, Interview, Need, Questionnaire, User
from app.needs.labels import KANO_LABELS, STATUS_LABELS, TYPE_LABELS
from app.needs.labels import KIND_LABELS as NEED_KIND_LABELS
from app.responses.forms import TOOL_NAMES
from app.studies.forms import METHOD_LABELS, ROLE_LABELS

SENTENCES = {
    "study.create": _l("%(actor)s created the study"),
    "study.update": _l("%(actor)s edited the study"),
    "study.archive": _l("%(actor)s archived the study"),
    "study.restore": _l("%(actor)s restored the study"),
    "membership.add": _l("%(actor)s added %(user)s as %(role)s"),
    "membership.change_role": _l("%(actor)s changed the role of %(user)s"),
    "membership.remove": _l("%(actor)s removed %(user)s from the study"),
    "membership.invite": _l("%(actor)s invited %(user)s as %(role)s"),
    "membership.decline": _l("%(actor)s declined the invitation to the study"),
    "membership.cancel_invite": _l("%(actor)s withdrew the invitation of %(user)s"),
    "questionnaire.create": _l("%(actor)s created the questionnaire “%(title)s”"),
    "questionnaire.settings": _l("%(actor)s changed the settings of the questionnaire “%(title)s”"),
    "questionnaire.publish": _l(
        "%(actor)s published version %(version)s of the questionnaire “%(title)s”"
    ),
    "questionnaire.start_wave": _l(
        "%(actor)s started wave %(wave)s of the questionnaire “%(title)s”"
    ),
    "questionnaire.open": _l("%(actor)s reopened the questionnaire “%(title)s”"),
    "questionnaire.close": _l("%(actor)s closed the questionnaire “%(title)s”"),
    "questionnaire.archive": _l("%(actor)s archived the questionnaire “%(title)s”"),
    "questionnaire.restore": _l("%(actor)s restored the questionnaire “%(title)s”"),
    "questionnaire.delete": _l("%(actor)s deleted the draft questionnaire “%(title)s”"),
    "questionnaire.clear_test_responses": _l(
        "%(actor)s cleared %(deleted)s test responses of the questionnaire “%(title)s”"
    ),
    "response.delete": _l("%(actor)s deleted response %(response_id)s"),
    "response.reveal_personal": _l(
        "%(actor)s showed the personal information in response %(response_id)s"
    ),
    "responses.export_personal": _l(
        "%(actor)s exported the responses of “%(title)s” with their personal information shown"
    ),
    "responses.api_personal": _l(
        "%(actor)s read %(count)s responses of “%(title)s” through the API with their personal "
        "information shown"
    ),
    "privacy.sweep": _l(
        "The retention sweep %(action)s %(responses)s responses and %(interviews)s transcripts "
        "given before %(cutoff)s, and deleted %(partials)s unfinished responses"
    ),
    "privacy.field_sweep": _l(
        "The retention sweep cleared the field %(field)s from %(cleared)s records not updated "
        "since %(cutoff)s"
    ),
    "privacy.answer_sweep": _l(
        "The retention sweep cleared %(answers)s answers past their question's own period: "
        "%(questions)s"
    ),
    "privacy.rotate_key": _l(
        "%(actor)s re-encrypted %(values)s personal values in %(columns)s columns under a new "
        "data key"
    ),
    "participant.consent": _l(
        "%(actor)s recorded a participant's consent to %(purpose)s (given: %(granted)s)"
    ),
    "participant.export": _l("%(actor)s exported everything held about a participant"),
    "participant.erase": _l("%(actor)s erased everything held about a participant"),
    "participant.create": _l("%(actor)s added a record to the participant directory"),
    "participant.update": _l("%(actor)s edited a record of the participant directory"),
    "participant.reveal": _l("%(actor)s showed the personal information of a directory record"),
    "participant.merge": _l("%(actor)s merged duplicate directory records into one"),
    "directory.import": _l(
        "%(actor)s imported participants from %(filename)s: %(created)s new, %(updated)s "
        "updated, %(skipped)s skipped"
    ),
    "directory.add_field": _l("%(actor)s added the directory field %(key)s"),
    "organisation.add_member": _l("%(actor)s added a member to the organisation"),
    "organisation.change_role": _l("%(actor)s changed the role of an organisation member"),
    "organisation.remove_member": _l("%(actor)s removed a member from the organisation"),
    "consent_notice.version_added": _l(
        "%(actor)s saved version %(version)s of the study's consent notice"
    ),
    "response.erased_by_respondent": _l(
        "The respondent deleted response %(response_id)s with its receipt code"
    ),
    "responses.import": _l(
        "%(actor)s imported %(stored)s responses from %(file)s (%(tool)s) into the "
        "questionnaire “%(title)s”"
    ),
    "weighting.save": _l("%(actor)s saved the weighting targets of the questionnaire “%(title)s”"),
    "interview.upload": _l("%(actor)s uploaded the transcript %(filename)s (%(turns)s turns)"),
    "interview.import": _l("%(actor)s saved the transcript “%(interview)s”"),
    "interview.discard": _l("%(actor)s discarded the upload %(filename)s"),
    "interview.update": _l("%(actor)s edited the interview “%(interview)s”"),
    "interview.speakers": _l("%(actor)s changed the speakers of “%(interview)s”"),
    "interview.attributes": _l("%(actor)s updated the participant attributes of “%(interview)s”"),
    "interview.delete": _l("%(actor)s deleted the interview “%(interview)s”"),
    "interview.policy": _l("%(actor)s changed the study's transcript privacy rules"),
    "turn.edit": _l("%(actor)s corrected a turn of a transcript"),
    "code.create": _l("%(actor)s created the code “%(code)s”"),
    "code.update": _l("%(actor)s edited the code “%(code)s”"),
    "code.delete": _l(
        "%(actor)s deleted the code “%(code)s” and %(highlights_removed)s highlights"
    ),
    "codebook.import": _l("%(actor)s imported a codebook (%(codes_added)s codes added)"),
    "project.import": _l(
        "%(actor)s imported the REFI-QDA project “%(project)s” (%(transcripts)s transcripts, "
        "%(codes_added)s codes added, %(highlights)s highlights)"
    ),
    "highlight.create": _l("%(actor)s coded “%(snippet)s” as “%(code)s”"),
    "highlight.delete": _l("%(actor)s removed the code “%(code)s” from “%(snippet)s”"),
    "highlight.memo": _l("%(actor)s wrote a memo on a highlight"),
    "highlight.autocode": _l("%(actor)s auto-coded %(created)s passages as “%(code)s”"),
    "findings.key_metrics": _l("%(actor)s chose the key metrics of the questionnaire “%(title)s”"),
    "study.min_n": _l("%(actor)s changed the study's minimum n"),
    "answer_code.apply": _l("%(actor)s coded %(added)s answers as “%(code)s”"),
    "answer_code.remove": _l("%(actor)s removed the code “%(code)s” from %(removed)s answers"),
    "evidence.star": _l("%(actor)s starred a quote as evidence: “%(text)s”"),
    "evidence.unstar": _l("%(actor)s unstarred the quote “%(text)s”"),
    "need.create": _l("%(actor)s created the need “%(need)s”"),
    "need.update": _l("%(actor)s edited the need “%(need)s”"),
    "need.move": _l("%(actor)s moved the need “%(need)s”"),
    "need.override": _l("%(actor)s set the priority of the need “%(need)s” by hand"),
    "need.comment": _l("%(actor)s commented on the need “%(need)s”: %(comment)s"),
    "need.merge": _l(
        "%(actor)s merged the need “%(merged)s” into “%(need)s” (%(evidence)s evidence, "
        "%(comments)s comments)"
    ),
    "need.link": _l("%(actor)s linked evidence to the need “%(need)s”: %(evidence)s"),
    "need.unlink": _l("%(actor)s removed evidence from the need “%(need)s”: %(evidence)s"),
    "share.create": _l("%(actor)s made a share link"),
    "share.revoke": _l("%(actor)s revoked a share link"),
    "share.view": _l("Someone opened a share link (view %(views)s)"),
    "token.create": _l("%(actor)s made the API token “%(name)s” (%(scope)s, %(days)s days)"),
    "token.revoke": _l("%(actor)s revoked the API token “%(name)s”"),
    "webhook.create": _l("%(actor)s added the webhook endpoint %(url)s"),
    "webhook.disable": _l("%(actor)s disabled the webhook endpoint %(url)s"),
    "webhook.enable": _l("%(actor)s enabled the webhook endpoint %(url)s"),
    "webhook.delete": _l("%(actor)s deleted the webhook endpoint %(url)s"),
    "webhook.replay": _l("%(actor)s sent the event %(event_id)s to %(url)s again"),
    "segment.create": _l("%(actor)s created the segment “%(segment)s”"),
    "segment.update": _l("%(actor)s edited the segment “%(segment)s”"),
    "outreach.invite": _l(
        "%(actor)s invited the segment “%(segment)s” to “%(questionnaire)s” "
        "(%(count)s new personal links)"
    ),
    "outreach.download_links": _l(
        "%(actor)s downloaded the %(count)s personal links of the segment “%(segment)s”"
    ),
    "outreach.remind": _l(
        "%(actor)s reminded %(count)s members of the segment “%(segment)s” who had not answered"
    ),
    "outreach.set_target": _l("%(actor)s changed the sample target of an invited segment"),
    "auth.login": _l("%(actor)s signed in"),
    "auth.login_failed": _l("Failed sign-in as %(email)s"),
    "auth.account_locked": _l("%(user)s was locked after too many failed sign-ins"),
    "auth.password_changed": _l("%(actor)s changed their password"),
    "auth.password_set_from_link": _l("%(actor)s set their password from a one-time link"),
    "auth.signed_out_everywhere": _l("%(actor)s signed out on every device"),
    "user.create": _l("%(actor)s created the account %(user)s"),
    "user.invite": _l("%(actor)s made a set-password link for %(user)s"),
    "user.password_reset": _l("%(actor)s reset the password of %(user)s"),
    "user.deactivate": _l("%(actor)s deactivated %(user)s"),
    "user.reactivate": _l("%(actor)s reactivated %(user)s"),
}

FIELD_LABELS = {
    "title": _l("Title"),
    "goal": _l("Research goal"),
    "audience": _l("Audience"),
    "sample_plan": _l("Sample plan"),
    "methods": _l("Methods"),
    "starts_on": _l("Start date"),
    "ends_on": _l("End date"),
    "status": _l("Status"),
    "role": _l("Role"),
    "name": _l("Code name"),  # only codes have an audited "name"
    "description": _l("Description"),
    "examples": _l("Examples"),
    "memo": _l("Memo"),
    "colour": _l("Colour"),
    "parent_id": _l("Parent code"),
    "participant_label": _l("Participant"),
    "kind": _l("Kind"),
    "held_on": _l("Date"),
    "consent": _l("Consent"),
    "text": _l("Text"),
    "attributes": _l("Participant attributes"),
    "speakers": _l("Speakers"),
    "settings": _l("Settings"),
    "key_metrics": _l("Key metrics"),
    "min_n": _l("Minimum n"),
    "statement": _l("Need"),
    "type": _l("Type"),
    "kano": _l("Kano category"),
    "owner_name": _l("Owner"),
    "due_on": _l("Due date"),
    "reach": _l("Reach"),
    "impact": _l("Impact"),
    "confidence": _l("Confidence (%)"),
    "effort": _l("Effort"),
    "importance": _l("Importance question"),
    "satisfaction": _l("Satisfaction question"),
    "outcome": _l("Outcome metric"),
    "segments": _l("Segments affected"),
    "reject_reason": _l("Reason for the rejection"),
    "priority_override": _l("Priority set by the owner"),
    "override_reason": _l("Reason"),
    "retention_days": _l("Retention (days)"),
    "retention_action": _l("After the retention period"),
}

VALUE_LABELS = {
    "role": {role.value: label for role, label in ROLE_LABELS.items()},
    "methods": METHOD_LABELS,
    "kind": {kind.value: label for kind, label in (KIND_LABELS | NEED_KIND_LABELS).items()},
    "type": {kind.value: label for kind, label in TYPE_LABELS.items()},
    "kano": dict(KANO_LABELS),
    "consent": {consent.value: label for consent, label in CONSENT_LABELS.items()},
    "retention_action": {"anonymise": _l("anonymised"), "delete": _l("deleted")},
    "status": {
        "draft": _l("Draft"),
        "open": _l("Open"),
        "closed": _l("Closed"),
        "active": _l("Active"),
        "archived": _l("Archived"),
        **{status.value: label for status, label in STATUS_LABELS.items()},
    },
}

# Objects whose name the sentence shows, looked up in one query per type for a page.
_NAMED: dict[type[Questionnaire | Interview | Code | User | Need], str] = {
    Need: "statement",
    Questionnaire: "title",
    Interview: "title",
    Code: "name",
    User: "email",
}

MAX_VALUE = 160  # characters of a changed value shown; the rest is "…"


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditLine:
    event: AuditEvent
    sentence: str
    changes: list[Change]


class _Facts(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def describe(events: Iterable[AuditEvent]) -> list[AuditLine]:
    """The events as sentences with their changes, for a page of the audit log."""
    events = list(events)
    names = _object_names(events)
    return [_line(event, names) for event in events]


def _line(event: AuditEvent, names: dict[tuple[str, int], str]) -> AuditLine:
    detail = event.detail or {}
    before, after = detail.get("before") or {}, detail.get("after") or {}
    facts = _Facts()
    for source in (before, after, detail):
        facts.update({k: v for k, v in source.items() if isinstance(v, str | int | float)})
    name = names.get((event.object_type, event.object_id)) if event.object_id else None
    facts["actor"] = event.actor.name if event.actor is not None else _("The system")
    facts.setdefault("user", name if event.object_type == "User" else "—")
    facts.setdefault("title", name if event.object_type == "Questionnaire" else "—")
    facts["interview"] = (
        name or facts.get("title") or facts.get("participant_label") or "—"
        if event.object_type == "Interview"
        else "—"
    )
    if event.object_type == "Need":
        facts["need"] = _shorten(str(name or facts.get("statement", "—")), 60)
    if event.object_type == "Code":
        facts.setdefault("code", name or facts.get("name", "—"))
    if "role" in facts:
        facts["role"] = _value("role", facts["role"])
    if event.action == "responses.import" and "tool" in facts:
        facts["tool"] = str(TOOL_NAMES.get(str(facts["tool"]), facts["tool"]))
    if event.action == "privacy.sweep":
        facts["action"] = _value("retention_action", facts.get("action"))
        facts["cutoff"] = str(facts.get("cutoff", "—"))[:10]
    if "snippet" in facts:
        facts["snippet"] = _shorten(str(facts["snippet"]), 40)
    template = SENTENCES.get(event.action)
    sentence = str(template) % facts if template else f"{facts['actor']}: {event.action}"
    return AuditLine(event=event, sentence=sentence, changes=_changes(before, after))


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Each field present on both sides with a different value, one level into dicts."""
    changes = []
    for field in before.keys() & after.keys():
        old, new = before[field], after[field]
        if old == new or field == "user":
            continue
        if isinstance(old, dict) and isinstance(new, dict) and field != "attributes":
            changes += [
                Change(
                    f"{_label(field)} · {_label(key)}",
                    _value(key, old.get(key)),
                    _value(key, new.get(key)),
                )
                for key in sorted(old.keys() | new.keys())
                if old.get(key) != new.get(key)
            ]
        else:
            changes.append(Change(_label(field), _value(field, old), _value(field, new)))
    return sorted(changes, key=lambda change: change.field)


def _label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field


def _value(field: str, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return _shorten("、".join(_value(field, item) for item in value), MAX_VALUE)
    if isinstance(value, dict) and {"title", "label"} <= value.keys():  # a segment
        return _shorten(f"{value['title']}：{value['label']}", MAX_VALUE)
    if isinstance(value, dict):
        return _shorten("；".join(f"{k}：{_value(k, v)}" for k, v in value.items()), MAX_VALUE)
    labels = VALUE_LABELS.get(field, {})
    return _shorten(str(labels.get(value, value)), MAX_VALUE)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _object_names(events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    names = {}
    for model, attribute in _NAMED.items():
        ids = {e.object_id for e in events if e.object_type == model.__name__ and e.object_id}
        if ids:
            rows = db.session.execute(
                db.select(model.id, getattr(model, attribute)).where(model.id.in_(ids))
            )
            names.update({(model.__name__, row[0]): row[1] for row in rows})
    return names
