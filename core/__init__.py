"""The ground under every app: what forums, meetings, outcomes and events share and that
names none of them — the Markdown renderer and sanitizer, the attachment checks, optimistic
concurrency, idempotent form posts, and the registries the apps fill from their
``AppConfig.ready()`` (home panels, demo loaders). It imports no app of this project.
"""
