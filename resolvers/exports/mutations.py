"""Export mutations: ask for an archive of my data, or bring one into my account."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from datastore.exports.service import Caller
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated
from resolvers.exports.types import Export, ImportArchivePayload
from resolvers.pod.uploads import incoming_file


def caller(info: Info) -> Caller:
    """The signed-in user, their device session and client, for the audit log."""
    principal = info.context.require_principal()
    client = info.context.client
    return Caller(principal.user_id, principal.session_id, client.ip, client.user_agent)


@strawberry.type
class ExportMutations:
    @strawberry.mutation(
        description="Start an export of all my data into one archive (JSON per domain, my "
        "files, a README); follow it in `exports`, and a notification of kind EXPORT says "
        "when it is READY. A few a day (RATE_LIMITED beyond); recorded in my security audit "
        "log.",
        permission_classes=[IsAuthenticated],
    )
    async def request_export(self, info: Info) -> Export:
        row = await info.context.services.exports.request(caller(info))
        info.context.loaders.exports.export_by_id.prime(row.id, row)
        return Export.from_row(row)

    @strawberry.mutation(
        description="Bring the pod (categories, tags, entries with their secrets and files) "
        "and journal (tags, entries, reminders) of an export archive into my account, sent "
        "with the GraphQL multipart request spec. Importing the same archive again creates "
        "nothing. A bad archive is BAD_USER_INPUT (field `file`, extensions.reason) and "
        "changes nothing.",
        permission_classes=[IsAuthenticated],
    )
    async def import_archive(
        self,
        info: Info,
        file: Annotated[
            Upload, strawberry.argument(description="A zip made by requestExport (multipart).")
        ],
    ) -> ImportArchivePayload:
        report = await info.context.services.exports.import_upload(
            caller(info), incoming_file(file, field="file")
        )
        return ImportArchivePayload.from_report(report)
