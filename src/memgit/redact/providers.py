"""The table of provider secret formats: kind, pattern, where the rule runs, and a sample recipe.

Each row was written from the format as its provider documents it (prefixes, alphabet, length).
A rule runs only where its format can start, so a hundred rules cost about as much as one:

- ``starts``: literal prefixes; the rule is tried at tokens (runs of ``[A-Za-z0-9_.~-]``, at least
  20 long) that start with one of them;
- ``needles``: lower-case literals the text must contain; the pattern is matched at each
  occurrence, ``offset`` characters before it (URLs, key files, formats without a prefix).

``before`` is a pattern for what directly precedes the token and belongs to the secret (a
Telegram bot's id). ``check`` asks more of the ``body`` group, else the ``secret`` group, else the
whole match: ``random`` (mixed character classes), ``digit``, ``pem`` (key data, not a bare
header). ``anchored=False`` searches the whole text once a needle occurs. ``samples`` are recipes
(``memgit.redact.recipe``) for the tests, the benchmark corpus and ``docs/secret-kinds.md``;
``decoys`` are look-alikes that must be left alone (else the prefix cut short is used). A row
without ``starts`` or ``needles`` documents a kind found by name (``memgit.redact.assign``).
"""

from __future__ import annotations

from dataclasses import dataclass

from memgit.redact.recipe import (
    ALNUM,
    B64,
    B64URL,
    BECH32,
    DIGITS,
    HEX,
    HEX_UPPER,
    LETTERS,
    LOWER_ALNUM,
    UPPER_ALNUM,
    Recipe,
)

__all__ = ["PROVIDERS", "Kind"]


@dataclass(frozen=True)
class Kind:
    """One secret format (see the module notes for the fields)."""

    kind: str
    category: str
    what: str
    pattern: str
    samples: tuple[Recipe, ...]
    starts: tuple[str, ...] = ()
    needles: tuple[str, ...] = ()
    offset: int = 0
    anchored: bool = True
    before: str = ""
    check: str = ""
    decoys: tuple[Recipe, ...] = ()  # look-alikes for the tests; else the prefix cut short


W = r"[A-Za-z0-9_-]"  # base64url
END = r"(?![A-Za-z0-9_-])"
AEND = r"(?![A-Za-z0-9])"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

_PEM_LABEL = r"(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
_PEM_BODY = r"[A-Za-z0-9+/=\s\\:,.()-]"
PEM_BLOCK = (  # to the END line; a block cut off by trimming ends where the key data ends
    rf"-----BEGIN {_PEM_LABEL}"
    rf"(?:{_PEM_BODY}{{0,16384}}?(?:-----END {_PEM_LABEL}|(?!{_PEM_BODY}))|{_PEM_BODY}{{16384}})"
)

AI = "AI providers"
CLOUD = "cloud providers"
VCS = "version control hosts"
CI = "CI/CD and deployment"
CHAT = "chat and webhooks"
PAY = "payment and commerce"
MAIL = "email and SMS"
OBS = "observability"
REG = "package registries"
DATA = "databases and data platforms"
VAULT = "secret managers and keys"
SAAS = "SaaS APIs"

PROVIDERS: tuple[Kind, ...] = (
    # -- AI providers -----------------------------------------------------------------------
    Kind("anthropic-key", AI, "Anthropic API and admin keys",
         rf"sk-ant-[a-z]{{2,10}}\d{{2}}-{W}{{32,1024}}",
         (("sk-ant-api03-", B64URL * 93, "AA"), ("sk-ant-admin01-", B64URL * 93, "AA")),
         starts=("sk-ant-",)),
    Kind("openrouter-key", AI, "OpenRouter API keys", rf"sk-or-v1-[a-f0-9]{{64}}{AEND}",
         (("sk-or-v1-", HEX * 64),), starts=("sk-or-v1-",)),
    Kind("openai-key", AI, "OpenAI project, service-account, admin and legacy keys",
         rf"sk-(?:(?:proj|svcacct|admin)-{W}{{32,1024}}|(?P<body>[A-Za-z0-9]{{32,256}})){END}",
         (("sk-proj-", B64URL * 156), ("sk-", ALNUM * 20, "T3BlbkFJ", ALNUM * 20)),
         starts=("sk-",), check="random"),
    Kind("groq-key", AI, "Groq API keys", rf"gsk_[A-Za-z0-9]{{52}}{AEND}",
         (("gsk_", ALNUM * 52),), starts=("gsk_",)),
    Kind("replicate-token", AI, "Replicate API tokens", rf"r8_[A-Za-z0-9]{{37}}{AEND}",
         (("r8_", ALNUM * 37),), starts=("r8_",)),
    Kind("perplexity-key", AI, "Perplexity API keys", rf"pplx-[A-Za-z0-9]{{48}}{AEND}",
         (("pplx-", ALNUM * 48),), starts=("pplx-",)),
    Kind("xai-key", AI, "xAI (Grok) API keys", rf"xai-[A-Za-z0-9]{{80}}{AEND}",
         (("xai-", ALNUM * 80),), starts=("xai-",)),
    Kind("nvidia-key", AI, "NVIDIA NGC / API catalog keys", rf"nvapi-{W}{{64}}{END}",
         (("nvapi-", B64URL * 64),), starts=("nvapi-",)),
    Kind("langsmith-key", AI, "LangSmith personal and service keys",
         rf"lsv2_(?:pt|sk)_[a-f0-9]{{32}}_[a-f0-9]{{10}}{AEND}",
         (("lsv2_pt_", HEX * 32, "_", HEX * 10),), starts=("lsv2_",)),
    Kind("pinecone-key", AI, "Pinecone API keys",
         rf"pcsk_[A-Za-z0-9]{{4,10}}_[A-Za-z0-9]{{40,96}}{AEND}",
         (("pcsk_", ALNUM * 6, "_", ALNUM * 63),), starts=("pcsk_",)),
    Kind("elevenlabs-key", AI, "ElevenLabs API keys", rf"sk_[a-f0-9]{{48}}{AEND}",
         (("sk_", HEX * 48),), starts=("sk_",)),
    Kind("huggingface-token", AI, "Hugging Face user and organisation tokens",
         rf"(?:hf|api_org)_[A-Za-z0-9]{{34,256}}{AEND}", (("hf_", LETTERS * 34),),
         starts=("hf_", "api_org_"), check="random"),
    # -- cloud providers --------------------------------------------------------------------
    Kind("aws-access-key-id", CLOUD, "AWS access key ids (long-term and temporary)",
         r"A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}(?![A-Za-z0-9])",
         (("AKIA", UPPER_ALNUM * 16), ("ASIA", UPPER_ALNUM * 16)),
         starts=("AKIA", "ASIA", "ABIA", "ACCA")),
    Kind("aws-secret-key", CLOUD, "AWS secret access keys, by their name (`aws_secret_access_key`, "
         "`SecretAccessKey`)", "", (("aws_secret_access_key = ", B64 * 40),),
         decoys=(("aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",),
                 ("aws_secret_access_key = <your-secret-key>",))),
    Kind("google-api-key", CLOUD, "Google Cloud / Maps / Gemini API keys", rf"AIza{W}{{35}}{END}",
         (("AIza", B64URL * 35),), starts=("AIza",)),
    Kind("google-oauth-secret", CLOUD, "Google OAuth client secrets", rf"GOCSPX-{W}{{28}}{END}",
         (("GOCSPX-", B64URL * 28),), starts=("GOCSPX-",)),
    Kind("google-oauth-token", CLOUD, "Google OAuth access tokens", rf"ya29\.{W}{{30,2048}}",
         (("ya29.", B64URL * 120),), starts=("ya29.",), check="random"),
    Kind("google-refresh-token", CLOUD, "Google OAuth refresh tokens", rf"0{W}{{40,512}}",
         (("1//0", B64URL * 99),), starts=("0",), before=r"1//\Z", check="random"),
    Kind("azure-client-secret", CLOUD, "Microsoft Entra ID (Azure AD) client secrets",
         r"[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])",
         ((ALNUM * 3, DIGITS * 1, "Q~", ALNUM * 34),), needles=("~",), offset=5),
    Kind("azure-storage-key", CLOUD,
         "Azure storage, Service Bus and Event Hubs keys, by their name "
         "(`AccountKey=`, `SharedAccessKey=`)", "", (("AccountKey=", B64 * 86, "=="),),
         decoys=(("AccountName=devstoreaccount1;AccountKey=${STORAGE_KEY};",),)),
    Kind("digitalocean-token", CLOUD, "DigitalOcean personal, OAuth and refresh tokens",
         rf"do[opr]_v1_[a-f0-9]{{64}}{AEND}", (("dop_v1_", HEX * 64), ("doo_v1_", HEX * 64)),
         starts=("dop_v1_", "doo_v1_", "dor_v1_")),
    Kind("alibaba-access-key-id", CLOUD, "Alibaba Cloud AccessKey ids",
         rf"LTAI[A-Za-z0-9]{{16,20}}{AEND}", (("LTAI", ALNUM * 20),), starts=("LTAI",),
         check="random"),
    Kind("tencent-secret-id", CLOUD, "Tencent Cloud SecretIds", rf"AKID[A-Za-z0-9]{{32}}{AEND}",
         (("AKID", ALNUM * 32),), starts=("AKID",)),
    Kind("scaleway-access-key", CLOUD, "Scaleway access keys", r"SCW[A-Z0-9]{17}(?![A-Za-z0-9])",
         (("SCW", UPPER_ALNUM * 17),), starts=("SCW",), check="digit"),
    Kind("yandex-key", CLOUD, "Yandex Cloud API keys and OAuth tokens",
         rf"(?:AQVN{W}{{35,38}}|y[0-3]_{W}{{55}}){END}",
         (("AQVN", B64URL * 36), ("y0_", B64URL * 55)), starts=("AQVN", "y0_", "y1_", "y2_", "y3_"),
         check="random"),
    Kind("cloudflare-origin-ca-key", CLOUD, "Cloudflare Origin CA keys",
         rf"v1\.0-[a-f0-9]{{24}}-[a-f0-9]{{146}}{AEND}", (("v1.0-", HEX * 24, "-", HEX * 146),),
         starts=("v1.0-",)),
    Kind("heroku-key", CLOUD, "Heroku API keys", rf"HRKU-{W}{{40,100}}{END}",
         (("HRKU-AA", B64URL * 58),), starts=("HRKU-",)),
    Kind("vault-token", VAULT, "HashiCorp Vault service, batch and recovery tokens",
         rf"hv[sbr]\.{W}{{24,512}}{END}", (("hvs.", B64URL * 90), ("hvb.", B64URL * 138)),
         starts=("hvs.", "hvb.", "hvr."), check="random"),
    # -- version control hosts --------------------------------------------------------------
    Kind("github-token", VCS, "GitHub personal, OAuth, app and refresh tokens",
         rf"(?:gh[pousr]_[A-Za-z0-9]{{36,255}}|github_pat_[A-Za-z0-9_]{{50,255}}){END}",
         (("ghp_", ALNUM * 36), ("ghs_", ALNUM * 36), ("github_pat_", ALNUM * 22, "_", ALNUM * 59)),
         starts=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    Kind("gitlab-token", VCS, "GitLab personal, project, deploy, runner and trigger tokens",
         rf"gl(?:pat|ptt|dt|rt|cbt|soat|ft|imt|agent|oas|wt)-{W}{{20,256}}",
         (("glpat-", B64URL * 20), ("glrt-", B64URL * 20)), starts=("gl",)),
    Kind("atlassian-token", VCS, "Atlassian (Jira, Confluence) API tokens",
         r"ATATT3[A-Za-z0-9_=-]{150,300}(?![A-Za-z0-9_=-])",
         (("ATATT3xFfGF0", B64URL * 170, "=", HEX_UPPER * 8),), starts=("ATATT3",)),
    Kind("bitbucket-app-password", VCS, "Bitbucket app passwords",
         rf"ATBB[A-Za-z0-9]{{28,40}}{AEND}",
         (("ATBB", ALNUM * 32),), starts=("ATBB",), check="random"),
    Kind("sourcegraph-token", VCS, "Sourcegraph access tokens",
         rf"sgp_(?:[a-f0-9]{{16}}_|local_)?[a-f0-9]{{40}}{AEND}",
         (("sgp_", HEX * 16, "_", HEX * 40),),
         starts=("sgp_",)),
    # -- CI/CD and deployment ---------------------------------------------------------------
    Kind("circleci-token", CI, "CircleCI personal and project API tokens",
         rf"CCI(?:PAT|PRJ)_[A-Za-z0-9_]{{30,100}}{AEND}", (("CCIPAT_", ALNUM * 22, "_", HEX * 40),),
         starts=("CCIPAT_", "CCIPRJ_")),
    Kind("buildkite-token", CI, "Buildkite API access tokens", rf"bkua_[a-f0-9]{{40}}{AEND}",
         (("bkua_", HEX * 40),), starts=("bkua_",)),
    Kind("terraform-token", CI, "Terraform Cloud / HCP Terraform API tokens",
         rf"[A-Za-z0-9]{{14}}\.atlasv1\.{W}{{60,70}}{END}",
         ((ALNUM * 14, ".atlasv1.", B64URL * 67),),
         needles=(".atlasv1.",), offset=14),
    Kind("pulumi-token", CI, "Pulumi access tokens", rf"pul-[a-f0-9]{{40}}{AEND}",
         (("pul-", HEX * 40),), starts=("pul-",)),
    Kind("octopus-key", CI, "Octopus Deploy API keys", r"API-[A-Z0-9]{26,32}(?![A-Za-z0-9])",
         (("API-", UPPER_ALNUM * 27),), starts=("API-",), check="digit"),
    Kind("netlify-token", CI, "Netlify personal access tokens", rf"nfp_[A-Za-z0-9]{{36,40}}{AEND}",
         (("nfp_", ALNUM * 36),), starts=("nfp_",)),
    Kind("docker-hub-token", CI, "Docker Hub personal and organisation access tokens",
         rf"dckr_(?:pat|oat)_{W}{{27,40}}{END}", (("dckr_pat_", B64URL * 27),),
         starts=("dckr_pat_", "dckr_oat_")),
    Kind("jfrog-token", CI, "JFrog Artifactory API keys and reference tokens",
         rf"(?:AKCp[A-Za-z0-9]{{69}}|cmVmdGtu[A-Za-z0-9]{{56,64}}){AEND}",
         (("AKCp", ALNUM * 69), ("cmVmdGtuOjAxOj", ALNUM * 50)), starts=("AKCp", "cmVmdGtu")),
    Kind("sonar-token", CI, "SonarQube / SonarCloud user, project and analysis tokens",
         rf"sq[upa]_[a-f0-9]{{40}}{AEND}", (("squ_", HEX * 40),), starts=("squ_", "sqp_", "sqa_")),
    Kind("fly-token", CI, "Fly.io access tokens",
         r"FlyV1 (?P<secret>fm[12][_a-z][A-Za-z0-9+/=_,-]{40,4096})",
         (("FlyV1 fm2_", B64 * 180),), needles=("flyv1 fm",)),
    Kind("render-key", CI, "Render API keys", rf"rnd_[A-Za-z0-9]{{32}}{AEND}",
         (("rnd_", ALNUM * 32),), starts=("rnd_",)),
    Kind("harness-token", CI, "Harness personal and service account tokens",
         rf"(?:pat|sat)\.{W}{{22}}\.[a-f0-9]{{24}}\.[A-Za-z0-9]{{20}}{AEND}",
         (("pat.", B64URL * 22, ".", HEX * 24, ".", ALNUM * 20),), starts=("pat.", "sat.")),
    # -- chat and webhooks ------------------------------------------------------------------
    Kind("slack-token", CHAT, "Slack bot, user, app, refresh and configuration tokens",
         r"(?:xox[abposre]-|xoxe\.xox[bp]-|xapp-)[A-Za-z0-9-]{10,256}",
         (("xoxb-", DIGITS * 11, "-", DIGITS * 13, "-", ALNUM * 24),
          ("xapp-1-", UPPER_ALNUM * 11, "-", DIGITS * 13, "-", HEX * 64)),
         starts=("xox", "xapp-")),
    Kind("slack-webhook", CHAT, "Slack incoming webhook and workflow URLs",
         r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[\w/-]{20,256})",
         (("https://hooks.slack.com/services/T", UPPER_ALNUM * 8, "/B", UPPER_ALNUM * 8, "/",
           ALNUM * 24),), needles=("://",), offset=-3),
    Kind("discord-webhook", CHAT, "Discord webhook URLs",
         rf"(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/(?P<secret>\d{{17,20}}/{W}{{60,80}}){END}",
         (("https://discord.com/api/webhooks/", DIGITS * 19, "/", B64URL * 68),),
         needles=("://",), offset=-3),
    Kind("discord-bot-token", CHAT, "Discord bot tokens",
         rf"[MNO][A-Za-z0-9_-]{{23,27}}\.{W}{{6}}\.{W}{{27,38}}{END}",
         (("MT", ALNUM * 24, ".", B64URL * 6, ".", B64URL * 38),),
         starts=("M", "N", "O"), check="random"),
    Kind("telegram-bot-token", CHAT, "Telegram bot tokens", rf"AA{W}{{33}}{END}",
         ((DIGITS * 10, ":AA", B64URL * 33),), starts=("AA",), before=r"(?<![0-9])[0-9]{8,10}:\Z"),
    Kind("teams-webhook", CHAT, "Microsoft Teams incoming webhook URLs",
         r"[\w.-]{0,64}\.office\.com/webhook(?:b2)?/(?P<secret>[\w@/-]{60,400})",
         (("https://acme.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/", HEX * 32,
           "/{uuid}"),), needles=("://",), offset=-3,
         decoys=(("https://acme.webhook.office.com/webhookb2/",),
                 ("https://outlook.office.com/mail/inbox/id/", HEX * 16))),
    Kind("google-chat-webhook", CHAT, "Google Chat webhook URLs",
         r"chat\.googleapis\.com/v1/spaces/[\w-]+/messages\?(?P<secret>key=[\w-]{39}&token=[\w%=-]{40,})",
         (("https://chat.googleapis.com/v1/spaces/AAAA", ALNUM * 7, "/messages?key=AIza",
           B64URL * 35, "&token=", B64URL * 43),), needles=("://",), offset=-3),
    Kind("zapier-webhook", CHAT, "Zapier catch hook URLs",
         r"hooks\.zapier\.com/hooks/catch/(?P<secret>\d+/[a-z0-9]{5,12})",
         (("https://hooks.zapier.com/hooks/catch/", DIGITS * 7, "/", LOWER_ALNUM * 6, "/"),),
         needles=("://",), offset=-3),
    Kind("ifttt-webhook", CHAT, "IFTTT Webhooks service keys",
         rf"maker\.ifttt\.com/(?:trigger/[\w-]+/(?:json/)?with/)?key/(?P<secret>{W}{{20,64}})",
         (("https://maker.ifttt.com/trigger/deploy/with/key/", B64URL * 22),),
         needles=("://",), offset=-3),
    Kind("twitter-bearer-token", CHAT, "X (Twitter) app bearer tokens",
         r"A{21,22}[A-Za-z0-9%]{60,200}(?![A-Za-z0-9%])",
         (("AAAAAAAAAAAAAAAAAAAAA", ALNUM * 90),), starts=("AAAAAAAAAAAAAAAAAAAAA",)),
    Kind("facebook-token", CHAT, "Meta (Facebook, Instagram, WhatsApp) access tokens",
         rf"EAA[A-Za-z0-9]{{90,512}}{AEND}", (("EAAG", ALNUM * 150),), starts=("EAA",),
         check="random"),
    # -- payment and commerce ---------------------------------------------------------------
    Kind("stripe-key", PAY, "Stripe secret and restricted keys, webhook secrets",
         r"(?:[sr]k_(?:live|test)_[A-Za-z0-9]{16,256}|whsec_[A-Za-z0-9]{24,256})",
         (("sk_live_", ALNUM * 24), ("rk_test_", ALNUM * 24), ("whsec_", ALNUM * 32)),
         starts=("sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_")),
    Kind("square-token", PAY, "Square access tokens and application secrets",
         rf"(?:sq0atp-{W}{{22}}|sq0csp-{W}{{43}}|EAAA{W}{{60}}){END}",
         (("sq0atp-", B64URL * 22), ("sq0csp-", B64URL * 43), ("EAAA", B64URL * 60)),
         starts=("sq0atp-", "sq0csp-", "EAAA"), check="random"),
    Kind("braintree-token", PAY, "Braintree / PayPal access tokens",
         r"access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}",
         (("access_token$production$", LOWER_ALNUM * 16, "$", HEX * 32),),
         starts=("access_token$",)),
    Kind("shopify-token", PAY, "Shopify access tokens and shared secrets",
         rf"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{{32}}{AEND}",
         (("shpat_", HEX * 32), ("shpss_", HEX * 32)),
         starts=("shpat_", "shpca_", "shppa_", "shpss_")),
    Kind("flutterwave-key", PAY, "Flutterwave secret and encryption keys",
         r"FLW(?:SECK|SECK_TEST)-[a-f0-9]{32}-X", (("FLWSECK-", HEX * 32, "-X"),),
         starts=("FLWSECK",)),
    Kind("plaid-token", PAY, "Plaid access tokens",
         rf"access-(?:sandbox|development|production)-{UUID}",
         (("access-production-{uuid}",),), starts=("access-",)),
    Kind("mollie-key", PAY, "Mollie live API keys (test keys, `test_…`, read as test names)",
         rf"live_[A-Za-z0-9]{{30}}{AEND}",
         (("live_", ALNUM * 30),), starts=("live_",), check="random"),
    Kind("gocardless-token", PAY, "GoCardless access tokens", rf"live_{W}{{40}}{END}",
         (("live_", B64URL * 40),), starts=("live_",), check="random"),
    Kind("woocommerce-key", PAY, "WooCommerce REST API consumer keys and secrets",
         rf"c[ks]_[a-f0-9]{{40}}{AEND}", (("ck_", HEX * 40), ("cs_", HEX * 40)),
         starts=("ck_", "cs_")),
    Kind("shippo-token", PAY, "Shippo API tokens", rf"shippo_(?:live|test)_[a-f0-9]{{40}}{AEND}",
         (("shippo_live_", HEX * 40),), starts=("shippo_",)),
    Kind("easypost-key", PAY, "EasyPost production and test API keys",
         rf"EZ[AT]K[A-Za-z0-9]{{54}}{AEND}",
         (("EZAK", ALNUM * 54),), starts=("EZAK", "EZTK")),
    Kind("duffel-token", PAY, "Duffel access tokens", rf"duffel_(?:test|live)_{W}{{43}}{END}",
         (("duffel_live_", B64URL * 43),), starts=("duffel_",)),
    # -- email and SMS ----------------------------------------------------------------------
    Kind("sendgrid-key", MAIL, "SendGrid API keys", rf"SG\.{W}{{22}}\.{W}{{43}}{END}",
         (("SG.", B64URL * 22, ".", B64URL * 43),), starts=("SG.",)),
    Kind("mailgun-key", MAIL, "Mailgun private API keys", r"key-[a-f0-9]{32}(?![A-Za-z0-9])",
         (("key-", HEX * 32),), starts=("key-",)),
    Kind("mailchimp-key", MAIL, "Mailchimp (Intuit) API keys",
         r"[a-f0-9]{32}-us\d{1,2}(?![A-Za-z0-9])",
         ((HEX * 32, "-us14"),), needles=("-us",), offset=32),
    Kind("brevo-key", MAIL, "Brevo (Sendinblue) API and SMTP keys",
         rf"x(?:keysib|smtpsib)-[a-f0-9]{{64}}-[A-Za-z0-9]{{16}}{AEND}",
         (("xkeysib-", HEX * 64, "-", ALNUM * 16),), starts=("xkeysib-", "xsmtpsib-")),
    Kind("mailersend-token", MAIL, "MailerSend API tokens", rf"mlsn\.[a-f0-9]{{64}}{AEND}",
         (("mlsn.", HEX * 64),), starts=("mlsn.",)),
    Kind("resend-key", MAIL, "Resend API keys", rf"re_[A-Za-z0-9]{{8}}_[A-Za-z0-9]{{24}}{AEND}",
         (("re_", ALNUM * 8, "_", ALNUM * 24),), starts=("re_",), check="random"),
    Kind("twilio-key", MAIL, "Twilio API key SIDs", r"SK[0-9a-fA-F]{32}(?![A-Za-z0-9])",
         (("SK", HEX * 32),), starts=("SK",)),
    Kind("telnyx-key", MAIL, "Telnyx API v2 keys", rf"KEY[0-9A-F]{{32}}_[A-Za-z0-9]{{22}}{AEND}",
         (("KEY", HEX_UPPER * 32, "_", ALNUM * 22),), starts=("KEY",)),
    # -- observability ----------------------------------------------------------------------
    Kind("sentry-token", OBS, "Sentry organisation and user auth tokens",
         r"(?:sntrys_eyJ[A-Za-z0-9+/=_]{50,1024}(?![A-Za-z0-9+/=_])|sntryu_[a-f0-9]{64}(?![A-Za-z0-9]))",
         (("sntrys_eyJ", ALNUM * 120), ("sntryu_", HEX * 64)), starts=("sntrys_", "sntryu_")),
    Kind("grafana-token", OBS, "Grafana service-account and Grafana Cloud tokens",
         r"(?:glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}(?![A-Za-z0-9])|glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/]))",
         (("glsa_", ALNUM * 32, "_", HEX * 8), ("glc_eyJvIjoi", ALNUM * 80)),
         starts=("glsa_", "glc_"),
         check="random"),
    Kind("honeycomb-key", OBS, "Honeycomb ingest and configuration keys",
         rf"hc[ax]i[kc]_[a-z0-9]{{58}}{AEND}", (("hcaik_", LOWER_ALNUM * 58),),
         starts=("hcaik_", "hcxik_", "hcaic_", "hcxic_")),
    Kind("dynatrace-token", OBS, "Dynatrace API tokens",
         r"dt0[a-z]\d{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}(?![A-Za-z0-9])",
         (("dt0c01.", UPPER_ALNUM * 24, ".", UPPER_ALNUM * 64),), starts=("dt0",)),
    Kind("newrelic-key", OBS, "New Relic user, browser and insert keys",
         rf"(?:NRAK-[A-Z0-9]{{27}}|NRJS-[a-f0-9]{{19}}|NRII-{W}{{32}}){END}",
         (("NRAK-", UPPER_ALNUM * 27), ("NRJS-", HEX * 19)), starts=("NRAK-", "NRJS-", "NRII-")),
    Kind("posthog-key", OBS, "PostHog personal API keys", rf"phx_[A-Za-z0-9]{{43}}{AEND}",
         (("phx_", ALNUM * 43),), starts=("phx_",)),
    Kind("axiom-token", OBS, "Axiom API and personal tokens", rf"xa[ap]t-{UUID}",
         (("xaat-{uuid}",),), starts=("xaat-", "xapt-")),
    Kind("launchdarkly-key", OBS, "LaunchDarkly SDK and API access keys", rf"(?:sdk|api)-{UUID}",
         (("sdk-{uuid}",),), starts=("sdk-", "api-")),
    # -- package registries -----------------------------------------------------------------
    Kind("npm-token", REG, "npm access tokens", r"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])",
         (("npm_", ALNUM * 36),), starts=("npm_",)),
    Kind("pypi-token", REG, "PyPI and TestPyPI API tokens", rf"pypi-AgE{W}{{50,1024}}",
         (("pypi-AgEIcHlwaS5vcmc", B64URL * 70),), starts=("pypi-AgE",)),
    Kind("rubygems-key", REG, "RubyGems API keys", rf"rubygems_[a-f0-9]{{48}}{AEND}",
         (("rubygems_", HEX * 48),), starts=("rubygems_",)),
    Kind("nuget-key", REG, "NuGet API keys", rf"oy2[a-z0-9]{{43}}{AEND}",
         (("oy2", LOWER_ALNUM * 43),), starts=("oy2",), check="digit"),
    Kind("clojars-token", REG, "Clojars deploy tokens", rf"CLOJARS_[a-z0-9]{{60}}{AEND}",
         (("CLOJARS_", LOWER_ALNUM * 60),), starts=("CLOJARS_",)),
    Kind("crates-token", REG, "crates.io API tokens", rf"cio[A-Za-z0-9]{{32}}{AEND}",
         (("cio", ALNUM * 32),), starts=("cio",), check="random"),
    # -- databases and data platforms -------------------------------------------------------
    Kind("databricks-token", DATA, "Databricks personal access tokens",
         r"dapi[a-f0-9]{32}(?:-\d)?(?![A-Za-z0-9])", (("dapi", HEX * 32), ("dapi", HEX * 32, "-2")),
         starts=("dapi",)),
    Kind("planetscale-token", DATA, "PlanetScale service tokens, OAuth tokens and passwords",
         r"pscale_(?:tkn|pw|oauth)_[\w.-]{32,64}(?![\w.-])", (("pscale_pw_", B64URL * 43),),
         starts=("pscale_",)),
    Kind("supabase-token", DATA, "Supabase personal access tokens and secret keys",
         rf"(?:sbp_[a-f0-9]{{40}}|sb_secret_{W}{{31,64}}){END}",
         (("sbp_", HEX * 40), ("sb_secret_", B64URL * 31)), starts=("sbp_", "sb_secret_")),
    Kind("neon-key", DATA, "Neon API keys", rf"napi_[a-z0-9]{{48,80}}{AEND}",
         (("napi_", LOWER_ALNUM * 64),), starts=("napi_",), check="digit"),
    Kind("airtable-token", DATA, "Airtable personal access tokens",
         rf"pat[A-Za-z0-9]{{14}}\.[a-f0-9]{{64}}{AEND}", (("pat", ALNUM * 14, ".", HEX * 64),),
         starts=("pat",)),
    Kind("contentful-token", DATA, "Contentful personal access tokens", rf"CFPAT-{W}{{43}}{END}",
         (("CFPAT-", B64URL * 43),), starts=("CFPAT-",)),
    # -- secret managers and keys -----------------------------------------------------------
    Kind("doppler-token", VAULT, "Doppler personal, service, CLI, SCIM and audit tokens",
         r"dp\.(?:pt|st|ct|sa|scim|audit)\.(?:[a-z0-9_-]{1,32}\.)?[A-Za-z0-9]{40,44}(?![A-Za-z0-9])",
         (("dp.pt.", ALNUM * 43), ("dp.st.dev.", ALNUM * 40)), starts=("dp.",)),
    Kind("onepassword-token", VAULT, "1Password service account tokens",
         r"ops_eyJ[A-Za-z0-9+/=_-]{100,4096}", (("ops_eyJ", ALNUM * 300),), starts=("ops_eyJ",)),
    Kind("onepassword-secret-key", VAULT, "1Password account Secret Keys",
         r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}"
         r"(?![A-Za-z0-9])",
         (("A3-", UPPER_ALNUM * 6, "-", UPPER_ALNUM * 6, "-", UPPER_ALNUM * 5, "-", UPPER_ALNUM * 5,
           "-", UPPER_ALNUM * 5, "-", UPPER_ALNUM * 5),), starts=("A3-",)),
    Kind("age-secret-key", VAULT, "age encryption secret keys",
         r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
         (("AGE-SECRET-KEY-1", BECH32 * 58),), starts=("AGE-SECRET-KEY-1",)),
    Kind("jwt", VAULT, "JSON Web Tokens (signed)",
         rf"eyJ{W}{{8,4096}}\.ey{W}{{8,16384}}\.{W}{{16,1024}}",
         (("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ", B64URL * 60, ".", B64URL * 43),),
         starts=("eyJ",)),
    Kind("private-key", VAULT, "PEM private keys: RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP",
         PEM_BLOCK, (("-----BEGIN RSA PRIVATE KEY-----\n", B64 * 64, "\n", B64 * 64, "\n", B64 * 20,
                      "\n-----END RSA PRIVATE KEY-----"),
                     ("-----BEGIN OPENSSH PRIVATE KEY-----\n", B64 * 70, "\n", B64 * 70,
                      "\n-----END OPENSSH PRIVATE KEY-----")),
         needles=("-----begin",), check="pem"),
    Kind("putty-private-key", VAULT, "PuTTY private key files",
         r"Private-Lines: *\d+\r?\n(?P<secret>(?:[A-Za-z0-9+/=]{16,}(?:\r?\n|$))+)",
         (("Private-Lines: 1\n", B64 * 64, "\n"),), needles=("private-lines:",)),
    # -- SaaS APIs --------------------------------------------------------------------------
    Kind("linear-key", SAAS, "Linear API keys and OAuth tokens",
         rf"lin_(?:api|oauth)_[A-Za-z0-9]{{40,64}}{AEND}", (("lin_api_", ALNUM * 40),),
         starts=("lin_api_", "lin_oauth_")),
    Kind("notion-token", SAAS, "Notion integration tokens",
         rf"(?:secret_[A-Za-z0-9]{{43}}|ntn_[A-Za-z0-9]{{46}}){AEND}",
         (("secret_", ALNUM * 43), ("ntn_", ALNUM * 46)), starts=("secret_", "ntn_"),
         check="random"),
    Kind("figma-token", SAAS, "Figma personal access tokens", rf"fig[dou]_{W}{{40,64}}{END}",
         (("figd_", B64URL * 40),), starts=("figd_", "figo_", "figu_"), check="random"),
    Kind("hubspot-token", SAAS, "HubSpot private app tokens", rf"pat-(?:na|eu|ap)\d-{UUID}",
         (("pat-na1-{uuid}",),), starts=("pat-",)),
    Kind("typeform-token", SAAS, "Typeform personal access tokens", rf"tfp_{W}{{40,64}}{END}",
         (("tfp_", B64URL * 44, "_3pm", B64URL * 11),), starts=("tfp_",), check="random"),
    Kind("mapbox-token", SAAS, "Mapbox secret access tokens",
         rf"sk\.eyJ{W}{{20,512}}\.{W}{{20,128}}",
         (("sk.eyJ1Ijoi", B64URL * 60, ".", B64URL * 22),), starts=("sk.eyJ",)),
    Kind("dropbox-token", SAAS, "Dropbox short-lived access tokens",
         r"sl\.[A-Za-z0-9_.-]{130,1400}",
         (("sl.", B64URL * 138),), starts=("sl.",), check="random"),
    Kind("postman-key", SAAS, "Postman API keys", rf"PMAK-[a-f0-9]{{24}}-[a-f0-9]{{34}}{AEND}",
         (("PMAK-", HEX * 24, "-", HEX * 34),), starts=("PMAK-",)),
    Kind("readme-key", SAAS, "ReadMe API keys", rf"rdme_[a-z0-9]{{70}}{AEND}",
         (("rdme_", LOWER_ALNUM * 70),), starts=("rdme_",)),
    Kind("prefect-key", SAAS, "Prefect Cloud API keys", rf"pnu_[A-Za-z0-9]{{36}}{AEND}",
         (("pnu_", ALNUM * 36),), starts=("pnu_",)),
    Kind("frameio-token", SAAS, "Frame.io developer tokens", rf"fio-u-[A-Za-z0-9_=-]{{64}}{END}",
         (("fio-u-", B64URL * 64),), starts=("fio-u-",)),
    Kind("adobe-client-secret", SAAS, "Adobe Developer client secrets",
         rf"p8e-[A-Za-z0-9-]{{32}}{END}",
         (("p8e-", ALNUM * 32),), starts=("p8e-",), check="random"),
)  # fmt: skip
