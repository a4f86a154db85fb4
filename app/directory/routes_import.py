"""/organisations/<id>/directory/import: upload a CSV or XLSX file, map its columns, check it
(the dry run lists every bad row and value), import it: all rows or none
(`app.directory.importing`)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.directory import bp, importing, records
from app.directory.forms import PROBLEMS, TARGET_LABELS, ImportMappingForm, ImportUploadForm
from app.permissions import DirectoryAccess, directory_required
from app.problems import translate
from app.responses import import_files
from surveys.imports.errors import FileRefused
from surveys.imports.grid import read_grid

KIND = import_files.PARTICIPANTS
PROBLEMS_SHOWN = 2000


@bp.route("/directory/import", methods=["GET", "POST"])
@directory_required("edit_directory")
def import_upload(access: DirectoryAccess):
    form = ImportUploadForm()
    refusal = None
    if form.validate_on_submit():
        upload = form.file.data
        filename, data = upload.filename or "upload.csv", upload.read()
        try:
            read_grid(filename, data)
        except FileRefused as refused:
            refusal = translate(refused)
        else:
            token = import_files.keep(access.organisation.id, filename, data, kind=KIND)
            return redirect(
                url_for(
                    "directory.import_check", organisation_id=access.organisation.id, upload=token
                )
            )
    status = 200 if request.method == "GET" else 422
    return render_template(
        "directory/import.html",
        access=access,
        organisation=access.organisation,
        form=form,
        refusal=refusal,
    ), status


def problem_text(problem: importing.RowProblem) -> str:
    code, _sep, row = problem.code.partition(":")
    return str(PROBLEMS[code]) % {"row": row} if row else str(PROBLEMS[code])


@bp.route("/directory/import/<upload>", methods=["GET", "POST"])
@directory_required("edit_directory")
def import_check(access: DirectoryAccess, upload: str):
    kept = import_files.load(access.organisation.id, upload, kind=KIND)
    back = url_for("directory.import_upload", organisation_id=access.organisation.id)
    if kept is None:
        flash(_("The uploaded file is no longer kept: upload it again."), "warning")
        return redirect(back)
    filename, data = kept
    try:
        grid = read_grid(filename, data)
    except FileRefused:
        return redirect(back)
    fields = records.fields_of(access)
    targets = importing.targets(fields)
    form = ImportMappingForm()
    header = grid[0]
    if request.method == "POST":
        mapping = [request.form.get(f"col_{n}", "") for n in range(len(header))]
        mapping = [target if target in targets else "" for target in mapping]
    else:
        mapping = importing.guess_mapping(header, fields)
    run = None
    if form.validate_on_submit():
        run = importing.dry_run(access, grid, mapping, fields)
        if form.write.data and run.ok:
            counts = importing.write(
                access,
                run,
                update_duplicates=form.duplicates.data == "update",
                actor=current_user,
                filename=filename,
            )
            import_files.discard(access.organisation.id, upload, kind=KIND)
            flash(
                _(
                    "Imported: %(created)d new records, %(updated)d updated, %(skipped)d skipped.",
                    **counts,
                ),
                "success",
            )
            return redirect(url_for("directory.index", organisation_id=access.organisation.id))
    labels = {
        **{k: str(v) for k, v in TARGET_LABELS.items()},
        **{f"custom:{f.key}": f.label for f in fields},
    }
    file_problems = {
        "nothing_mapped": _("Map at least one column."),
        "name_not_mapped": _("Map a column to the name: every record needs one."),
        "no_rows": _("The file has no rows under its header."),
    }
    return render_template(
        "directory/import_check.html",
        access=access,
        organisation=access.organisation,
        form=form,
        upload=upload,
        filename=filename,
        header=header,
        sample=grid[1:4],
        mapping=mapping,
        choices=[("", labels[""]), *((t, labels[t]) for t in targets)],
        run=run,
        problems=[(p, problem_text(p)) for p in (run.problems if run else [])[:PROBLEMS_SHOWN]],
        file_problem=file_problems.get(run.file_problem, "") if run else "",
    ), (422 if run is not None and not run.ok else 200)
