"""A file's code tree matched to a study's codebook, for .qdc and .qdpx imports alike: the
same name under the same parent is the same code; the rest is planned, then inserted."""

from dataclasses import dataclass

from analysis.qda import QdaCode
from analysis.qda.refi import walk
from app import audit
from app.extensions import db
from app.interviews import coding
from app.interviews.coding import CODE_FIELDS
from app.models import CODE_COLOURS, Code, Study


@dataclass
class CodebookPlan:
    """A file's code tree matched to the study's codebook: `by_guid` maps each of the file's
    GUIDs to a stored or a new code; `levels` holds the new ones by depth below a stored one."""

    by_guid: dict[str, Code]
    new: list[Code]
    levels: list[list[tuple[Code, Code | None]]]


def plan_codebook(study: Study, tree: list[QdaCode]) -> CodebookPlan:
    """Match a code tree to the study's codes (same name under the same parent), no write."""
    codes = coding.codes_of(study)
    by_id = {code.id: code for code in codes}
    found: dict[tuple[Code | None, str], Code] = {
        (by_id.get(c.parent_id) if c.parent_id is not None else None, c.name): c for c in codes
    }
    made: dict[str, Code] = {}
    new: list[Code] = []
    levels: list[list[tuple[Code, Code | None]]] = []
    level_of: dict[Code, int] = {}
    for parent, node in walk(tree):
        parent_code = made[parent.guid] if parent is not None else None
        name = node.name.strip()[:100]
        code = found.get((parent_code, name))
        if code is None:
            colour = (
                _nearest_colour(node.colour)
                if node.colour
                else (len(codes) + len(new)) % len(CODE_COLOURS)
            )
            code = Code(
                study_id=study.id,
                name=name,
                description=node.description.strip(),
                memo=node.memo.strip(),
                colour=colour,
                refi_guid=node.guid,
            )
            found[(parent_code, name)] = code
            new.append(code)
            depth = (level_of.get(parent_code, -1) if parent_code is not None else -1) + 1
            level_of[code] = depth
            if depth == len(levels):
                levels.append([])
            levels[depth].append((code, parent_code))
        made[node.guid] = code
    return CodebookPlan(made, new, levels)


def _rgb(colour: str) -> tuple[int, ...]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))


def _nearest_colour(colour: str) -> int:
    """The palette's colour nearest another tool's (NVivo and ATLAS.ti have their own)."""
    wanted = _rgb(colour)
    return min(
        range(len(CODE_COLOURS)),
        key=lambda i: sum((a - b) ** 2 for a, b in zip(_rgb(CODE_COLOURS[i]), wanted, strict=True)),
    )


def add_planned_codes(study: Study, plan: CodebookPlan) -> None:
    """Insert a plan's new codes (one batched INSERT per level: parents' ids are known) and
    audit each, in the caller's transaction."""
    for level in plan.levels:
        for code, parent_code in level:
            code.parent_id = parent_code.id if parent_code is not None else None
        db.session.add_all(code for code, _ in level)
        db.session.flush()
    for code in plan.new:
        audit.record(
            "code.create", code, study_id=study.id, after=audit.snapshot(code, CODE_FIELDS)
        )
