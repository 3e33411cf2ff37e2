"""Pod mutations, one module per subject."""

from resolvers.pod.mutations.attachments import AttachmentMutations
from resolvers.pod.mutations.categories import CategoryMutations
from resolvers.pod.mutations.entries import EntryMutations
from resolvers.pod.mutations.tags import TagMutations

__all__ = ["AttachmentMutations", "CategoryMutations", "EntryMutations", "TagMutations"]
