"""Privacy tags and secret redaction: what must never be stored, sent to a model or indexed.

Every captured text goes through ``Redactor.clean`` before it is written, indexed or sent
anywhere: ``strip_private`` removes ``<private>…</private>`` regions, then each secret is replaced
by ``[REDACTED:<kind>]``. The kinds:

- ``providers``: the table of provider formats (cloud, AI, VCS, CI/CD, chat and webhooks,
  payment, email/SMS, observability, registries, databases, secret managers, SaaS APIs, private
  keys), each a pattern, where it runs and a sample recipe;
- ``context``: secrets recognised by where they sit (URLs, headers, cookies, command-line flags,
  netrc, Kubernetes Secrets, docker ``auths``);
- ``assign``: values assigned to names that mean a secret.

Patterns are curated, not entropy alone, so git SHAs, UUIDs and lock-file hashes pass through;
placeholders are left alone (``memgit.redact.shape``), which keeps redaction idempotent:
``redact(redact(t)) == redact(t)``. ``rules`` explains why a hundred patterns cost about one.
"""

from memgit.redact.engine import Finding, Redactor, default_redactor
from memgit.redact.private import PRIVATE_MARKER, strip_private

__all__ = ["PRIVATE_MARKER", "Finding", "Redactor", "default_redactor", "strip_private"]
