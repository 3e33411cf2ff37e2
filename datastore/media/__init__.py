"""Media processing: the background job that turns uploaded images upright, strips their
EXIF/GPS (unless the owner keeps it) and makes their thumbnails, for every table of files
(pod attachments, chat media). It has no GraphQL of its own: each domain shows the status.
"""
