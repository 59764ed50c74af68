"""Proposals and their verification in a data-subject report: what was proposed, what was
decided and why (the reason codes), comments and documents."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from berdaya.accounts.scope import scoped
from berdaya.core.models import StoredFile
from berdaya.core.personal_data import Section
from berdaya.intake.models import Proposal, ProposalComment
from berdaya.verification.reasons import reason_label


def _proposals(user: Any, nik: str):
    return scoped(Proposal.objects.filter(nik=nik), user).select_related(
        "program_year__program", "verification", "group"
    )


def proposals_section(user: Any, nik: str) -> Section | None:
    rows = []
    for p in _proposals(user, nik):
        v = getattr(p, "verification", None)
        rows.append(
            [
                str(p.program_year),
                p.region_id,
                p.row_id,
                p.name,
                p.birth_date,
                p.sex,
                p.village_code,
                p.relation,
                p.occupation,
                p.group.name if p.group_id else "",
                p.category,
                p.need,
                p.need_value,
                p.status,
                p.submitted_at,
                v.verdict if v else "",
                "; ".join(reason_label(r) for r in (v.reasons if v else [])),
                v.override_reason if v and v.overridden else "",
            ]
        )
    return Section(
        _("Proposals and verification"),
        [
            "PROGRAM",
            "WILAYAH_PENGUSUL",
            "ID",
            "NAMA",
            "TGL_LAHIR",
            "JENIS_KELAMIN",
            "KODE_WILAYAH",
            "HUBUNGAN_KELUARGA",
            "PEKERJAAN",
            "KELOMPOK",
            "KATEGORI",
            "KEBUTUHAN",
            "NILAI",
            "STATUS",
            "DIKIRIM",
            "PUTUSAN",
            "ALASAN",
            "ALASAN_PERUBAHAN_PUTUSAN",
        ],
        rows,
    )


def comments_section(user: Any, nik: str) -> Section | None:
    rows = [
        [
            str(c.proposal.program_year),
            c.created_at,
            c.author.username if c.author_id else "",
            c.text,
        ]
        for c in ProposalComment.objects.filter(proposal__in=_proposals(user, nik)).select_related(
            "proposal__program_year", "author"
        )
    ]
    return Section(_("Comments"), ["PROGRAM", "WAKTU", "PENULIS", "KOMENTAR"], rows)


def documents_section(user: Any, nik: str) -> Section | None:
    from berdaya.registry.models import Person

    owners = [
        ("intake.proposal", str(pk)) for pk in _proposals(user, nik).values_list("pk", flat=True)
    ]
    owners += [
        ("registry.person", str(pk))
        for pk in scoped(Person.objects.filter(nik=nik), user).values_list("pk", flat=True)
    ]
    rows = []
    for owner_type, owner_id in owners:
        for f in StoredFile.objects.filter(owner_type=owner_type, owner_id=owner_id):
            rows.append([f.kind, f.original_name, f.content_type, f.size, f.uploaded_at])
    return Section(_("Documents"), ["JENIS", "NAMA_BERKAS", "TIPE", "UKURAN", "DIUNGGAH"], rows)
