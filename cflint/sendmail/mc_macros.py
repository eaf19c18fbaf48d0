"""The .mc (m4) side of sendmail's options, as data: which ``confXXX`` define sets which
cf option.

``MACROS`` maps every ``conf*`` macro that the sendmail-cf m4 files read (cf/m4/proto.m4,
cfhead.m4, version.m4 and the feature/, mailer/, ostype/, domain/ and hack/ files) to a
``MacroSpec``: the cf option it emits, how it is emitted, the first sendmail-cf release
whose files read it, and the value proto.m4 writes on the commented ``#O Name=<default>``
line when the macro is not defined.  The four non-``conf`` defines that proto.m4 turns
into O lines (ALIAS_FILE, STATUS_FILE, HELP_FILE, QUEUE_DIR) are in the table too; the
many other .mc defines (SMART_HOST, MAIL_HUB, LOCAL_RELAY, *_MAILER_PATH, ...) are not,
so only ``conf*`` names should be judged "unknown" by ``lookup()``.

m4 names are case-sensitive: ``confCA_CERT`` or ``confCRL_FILE`` are simply different,
unknown names, which proto.m4 ignores without a word (reference §5.4).  There is no
``confCIPHER_SUITES`` in any release (8.17.1.9, 8.18.0.2): CipherSuites needs LOCAL_CONFIG.

How proto.m4 emits (``emits``)
------------------------------
* ``"option"``: ``_OPTION(Name, `confX', `default')`` (or an equivalent hand-written
  ``O Name=`` line): defined non-empty -> ``O Name=value``; defined empty -> ``O Name``;
  undefined -> ``#O Name=default`` (``#O Name`` when the default is empty).  ``option``
  is the cf name, with the sub-option for Timeout and Milter ("Timeout.starttls").
  The Milter.* lines are only written when a MAIL_FILTER()/INPUT_MAIL_FILTER() is given.
* ``"macro"``: a D line (confDOMAIN_NAME -> ``Dj``; see ``MACRO_LINES``).
* ``"other"``: used in rules, headers, classes, mailer paths or only checked for a
  warning; ``option`` is None.
* ``"ossl"``: 8.18.1's confOPENSSL_CNF, written as an E line ``EOPENSSL_CONF=<file>``.

``preset`` is the value cfhead.m4 defines before the .mc is read (so an undefined macro
still gives an active line: cfhead.m4 sets confLOG_LEVEL to 9, hence ``O LogLevel=9``
although proto.m4's own default is 10).  ``default`` and ``preset`` are those of the
8.17.1 files (with MAIL_SETTINGS_DIR expanded to /etc/mail/); a few defaults differed in
8.13 (e.g. MaxQueueRunSize 10000, DialDelay 10s).

Where the data comes from
-------------------------
* Names, options, defaults, presets: the installed sendmail-cf 8.17.1.9 (Debian 12,
  /usr/share/sendmail/cf), compared with the upstream 8.17.1.9 proto.m4 (Debian's source
  tree, deepin-community/sendmail): they hold the same _OPTION lines except
  ``_OPTION(RejectNUL, `confREJECT_NUL', `false')``, which only Debian's package adds
  (``vendor="debian"``).  tests/test_mc_macros.py re-extracts all of this from the
  installed files and runs m4 to check it.
* ``since``: the option's release (cflint.sendmail.options) for the macros that came
  with their option, checked against the _OPTION lines of the stored older trees:
  8.13.4 (TrustedBSD/sebsd), 8.14.0 (hrs-allbsd/sendmail), 8.14.6 (cadets/freebsd-old),
  a post-CertFingerprintAlgorithm 8.15 tree, 8.16.0.41 (hrs-allbsd/sendmail) and
  8.17.1.9; and the RELEASE_NOTES (Debian's /usr/share/doc/sendmail-base/changelog.gz)
  "CONFIG: New option confX" entries.  Macros that came later than their option:
  confMAX_NOOP_COMMANDS, confHELO_NAME (8.14.0), confSOFT_BOUNCE and
  confMILTER_MACROS_EOH/_DATA (8.14.1, RN), confCIPHER_LIST and confSERVER_/
  confCLIENT_SSL_OPTIONS (8.15.1: not in the 8.14.6 proto.m4, although the options
  were FFR since 8.14.4), confCRL_PATH (8.16.1: not in the 8.15 proto.m4, although
  CRLPath was FFR since 8.13), confUSE_COMPRESSED_IPV6_ADDRESSES (8.15.2, RN).
  confSHARED_MEMORY_KEY_FILE is older than its option: the 8.13.4 proto.m4 already
  writes ``O SharedMemoryKeyFile=`` (the option was FFR, _FFR_SELECT_SHM, until 8.14.0).
  Macros that are not options are dated by their first RELEASE_NOTES mention; those
  never mentioned there get (8, 13) and a comment ("undated"): they predate 8.13, the
  oldest release cflint supports, but their first release was not established.
* confOPENSSL_CNF (8.18.1) comes from the reference (sendmail-tls.md §5.4); no 8.18.1
  proto.m4 was at hand.  No ``until`` is set: no conf macro was found to leave
  proto.m4 between 8.13 and 8.17.1.9 (obsolete ones are still read, to warn; see
  ``obsolete``).
"""
from __future__ import annotations

from dataclasses import dataclass

Version = tuple[int, ...]          # (8, 15, 1)

EMITS = frozenset({"option", "macro", "other", "ossl"})


@dataclass(frozen=True, slots=True)
class MacroSpec:
    macro: str                     # "confSERVER_CERT"
    option: str | None             # cf option it emits ("ServerCertFile"), else None
    emits: str                     # see EMITS and the module docstring
    since: Version                 # first sendmail-cf release whose m4 files read it
    until: Version | None = None   # first release that no longer reads it
    default: str | None = None     # value on proto.m4's "#O Name=<default>" line (other
                                   # kinds: the value proto.m4 uses when it is undefined)
    preset: str | None = None      # value cfhead.m4 defines (active line when undefined)
    vendor: str | None = None      # "debian": only in that vendor's sendmail-cf
    obsolete: str | None = None    # what proto.m4 does with an obsolete macro


_M = MacroSpec
_OPT, _MAC, _OTH, _OSSL = "option", "macro", "other", "ossl"

_86, _87, _871 = (8, 6, 0), (8, 7, 0), (8, 7, 1)
_88, _887, _89 = (8, 8, 0), (8, 8, 7), (8, 9, 0)
_810, _811, _8111, _812 = (8, 10, 0), (8, 11, 0), (8, 11, 1), (8, 12, 0)
_813, _814, _8141 = (8, 13, 0), (8, 14, 0), (8, 14, 1)
_8151, _8152, _8161 = (8, 15, 1), (8, 15, 2), (8, 16, 1)
_8171, _8181 = (8, 17, 1), (8, 18, 1)
_UNDATED = _813                    # older than 8.13; first release not established

# ---------------------------------------------------------------------------------
# proto.m4's _OPTION(Name, `confX', `default') lines, in their order (8.17.1.9).
# ---------------------------------------------------------------------------------
_TABLE: tuple[MacroSpec, ...] = (
    _M("confDONT_BLAME_SENDMAIL", "DontBlameSendmail", _OPT, _89, default="safe"),
    _M("confLDAP_DEFAULT_SPEC", "LDAPDefaultSpec", _OPT, _810, default="-h localhost"),
    _M("confSEVEN_BIT_INPUT", "SevenBitInput", _OPT, _87, default="False", preset="False"),
    _M("confEIGHT_BIT_HANDLING", "EightBitMode", _OPT, _87, default="pass8"),
    _M("confALIAS_WAIT", "AliasWait", _OPT, _87, default="5m", preset="10"),
    _M("ALIAS_FILE", "AliasFile", _OPT, _87,
        default="/etc/mail/aliases", preset="/etc/mail/aliases"),
    _M("confMIN_FREE_BLOCKS", "MinFreeBlocks", _OPT, _87, default="100", preset="100"),
    _M("confMAX_MESSAGE_SIZE", "MaxMessageSize", _OPT, _87, default="0"),
    _M("confBLANK_SUB", "BlankSub", _OPT, _87, default="_", preset="."),
    _M("confCON_EXPENSIVE", "HoldExpensive", _OPT, _87, default="False", preset="False"),
    _M("confCHECKPOINT_INTERVAL", "CheckpointInterval", _OPT, _87, default="10"),
    _M("confDELIVERY_MODE", "DeliveryMode", _OPT, _87,
        default="background", preset="background"),
    _M("confERROR_MESSAGE", "ErrorHeader", _OPT, _87, default="/etc/mail/error-header"),
    _M("confERROR_MODE", "ErrorMode", _OPT, _87, default="print"),
    _M("confSAVE_FROM_LINES", "SaveFromLine", _OPT, _87, default="False"),
    _M("confQUEUE_FILE_MODE", "QueueFileMode", _OPT, _812, default="0600"),
    _M("confTEMP_FILE_MODE", "TempFileMode", _OPT, _87, default="0600", preset="0600"),
    _M("confMATCH_GECOS", "MatchGECOS", _OPT, _87, default="False"),
    _M("confMAX_HOP", "MaxHopCount", _OPT, _87, default="25"),
    _M("confIGNORE_DOTS", "IgnoreDots", _OPT, _87, default="False"),
    _M("confBIND_OPTS", "ResolverOptions", _OPT, _87, default="+AAONLY"),
    _M("confMIME_FORMAT_ERRORS", "SendMimeErrors", _OPT, _87,
        default="True", preset="True"),
    _M("confFORWARD_PATH", "ForwardPath", _OPT, _87,
        default="/var/forward/$u:$z/.forward.$w:$z/.forward",
        preset="$z/.forward.$w:$z/.forward"),
    _M("confMCI_CACHE_SIZE", "ConnectionCacheSize", _OPT, _87, default="2", preset="2"),
    _M("confMCI_CACHE_TIMEOUT", "ConnectionCacheTimeout", _OPT, _87,
        default="5m", preset="5m"),
    _M("confHOST_STATUS_DIRECTORY", "HostStatusDirectory", _OPT, _88, default=".hoststat"),
    _M("confSINGLE_THREAD_DELIVERY", "SingleThreadDelivery", _OPT, _88, default="False"),
    _M("confUSE_ERRORS_TO", "UseErrorsTo", _OPT, _87, default="False", preset="False"),
    # RN 8.15.2 "CONFIG: New option UseCompressedIPv6Addresses"
    _M("confUSE_COMPRESSED_IPV6_ADDRESSES", "UseCompressedIPv6Addresses", _OPT, _8152),
    _M("confLOG_LEVEL", "LogLevel", _OPT, _87, default="10", preset="9"),
    _M("confME_TOO", "MeToo", _OPT, _87, default="True"),
    _M("confCHECK_ALIASES", "CheckAliases", _OPT, _87, default="False", preset="False"),
    _M("confOLD_STYLE_HEADERS", "OldStyleHeaders", _OPT, _87,
        default="False", preset="True"),
    _M("confDIRECT_SUBMISSION_MODIFIERS", "DirectSubmissionModifiers", _OPT, _812),
    _M("confUSE_MSP", "UseMSP", _OPT, _812),
    _M("confPRIVACY_FLAGS", "PrivacyOptions", _OPT, _87,
        default="authwarnings", preset="authwarnings"),
    _M("confCOPY_ERRORS_TO", "PostmasterCopy", _OPT, _87, default="Postmaster"),
    _M("confQUEUE_FACTOR", "QueueFactor", _OPT, _87, default="600000"),
    _M("confMAX_QUEUE_CHILDREN", "MaxQueueChildren", _OPT, _812),
    _M("confMAX_RUNNERS_PER_QUEUE", "MaxRunnersPerQueue", _OPT, _812, default="1"),
    _M("confNICE_QUEUE_RUN", "NiceQueueRun", _OPT, _812),
    _M("confQUEUE_SORT_ORDER", "QueueSortOrder", _OPT, _87, default="priority"),
    _M("confMIN_QUEUE_AGE", "MinQueueAge", _OPT, _87, default="30m"),
    # RN 8.15.1 (the option was FFR, _FFR_EXPDELAY, in 8.14.4-8.14.9)
    _M("confMAX_QUEUE_AGE", "MaxQueueAge", _OPT, _8151),
    _M("confMAX_QUEUE_RUN_SIZE", "MaxQueueRunSize", _OPT, _87, default="0"),
    _M("confFAST_SPLIT", "FastSplit", _OPT, _812, default="1"),
    _M("confSHARED_MEMORY_KEY", "SharedMemoryKey", _OPT, _812, default="0"),
    # already in the 8.13.4 proto.m4, as ifdef -> "O SharedMemoryKeyFile=" (no #O line);
    # _OPTION since 8.14.0.  The option itself is FFR (_FFR_SELECT_SHM) before 8.14.0
    _M("confSHARED_MEMORY_KEY_FILE", "SharedMemoryKeyFile", _OPT, _813),
    _M("confTO_INITIAL", "Timeout.initial", _OPT, _87, default="5m"),
    _M("confTO_CONNECT", "Timeout.connect", _OPT, _87, default="5m"),
    _M("confTO_ACONNECT", "Timeout.aconnect", _OPT, _812, default="0s"),
    _M("confTO_ICONNECT", "Timeout.iconnect", _OPT, _88, default="5m"),
    _M("confTO_HELO", "Timeout.helo", _OPT, _87, default="5m"),
    _M("confTO_MAIL", "Timeout.mail", _OPT, _87, default="10m"),
    _M("confTO_RCPT", "Timeout.rcpt", _OPT, _87, default="1h"),
    _M("confTO_DATAINIT", "Timeout.datainit", _OPT, _87, default="5m"),
    _M("confTO_DATABLOCK", "Timeout.datablock", _OPT, _87, default="1h"),
    _M("confTO_DATAFINAL", "Timeout.datafinal", _OPT, _87, default="1h"),
    _M("confTO_RSET", "Timeout.rset", _OPT, _87, default="5m"),
    _M("confTO_QUIT", "Timeout.quit", _OPT, _87, default="2m"),
    _M("confTO_MISC", "Timeout.misc", _OPT, _87, default="2m"),
    _M("confTO_COMMAND", "Timeout.command", _OPT, _87, default="1h"),
    _M("confTO_IDENT", "Timeout.ident", _OPT, _87, default="5s"),
    _M("confTO_FILEOPEN", "Timeout.fileopen", _OPT, _87, default="60s"),
    _M("confTO_CONTROL", "Timeout.control", _OPT, _810, default="2m"),
    _M("confTO_QUEUERETURN", "Timeout.queuereturn", _OPT, _87, default="5d", preset="5d"),
    _M("confTO_QUEUERETURN_NORMAL", "Timeout.queuereturn.normal", _OPT, _87, default="5d"),
    _M("confTO_QUEUERETURN_URGENT", "Timeout.queuereturn.urgent", _OPT, _87, default="2d"),
    _M("confTO_QUEUERETURN_NONURGENT", "Timeout.queuereturn.non-urgent", _OPT, _87,
        default="7d"),
    _M("confTO_QUEUERETURN_DSN", "Timeout.queuereturn.dsn", _OPT, _813, default="5d"),
    _M("confTO_QUEUEWARN", "Timeout.queuewarn", _OPT, _87, default="4h", preset="4h"),
    _M("confTO_QUEUEWARN_NORMAL", "Timeout.queuewarn.normal", _OPT, _87, default="4h"),
    _M("confTO_QUEUEWARN_URGENT", "Timeout.queuewarn.urgent", _OPT, _87, default="1h"),
    _M("confTO_QUEUEWARN_NONURGENT", "Timeout.queuewarn.non-urgent", _OPT, _87,
        default="12h"),
    _M("confTO_QUEUEWARN_DSN", "Timeout.queuewarn.dsn", _OPT, _813, default="4h"),
    _M("confTO_HOSTSTATUS", "Timeout.hoststatus", _OPT, _88, default="30m"),
    _M("confTO_RESOLVER_RETRANS", "Timeout.resolver.retrans", _OPT, _810, default="5s"),
    _M("confTO_RESOLVER_RETRANS_FIRST", "Timeout.resolver.retrans.first", _OPT, _810,
        default="5s"),
    _M("confTO_RESOLVER_RETRANS_NORMAL", "Timeout.resolver.retrans.normal", _OPT, _810,
        default="5s"),
    _M("confTO_RESOLVER_RETRY", "Timeout.resolver.retry", _OPT, _810, default="4"),
    _M("confTO_RESOLVER_RETRY_FIRST", "Timeout.resolver.retry.first", _OPT, _810,
        default="4"),
    _M("confTO_RESOLVER_RETRY_NORMAL", "Timeout.resolver.retry.normal", _OPT, _810,
        default="4"),
    _M("confTO_LHLO", "Timeout.lhlo", _OPT, _812, default="2m"),
    _M("confTO_AUTH", "Timeout.auth", _OPT, _812, default="10m"),
    _M("confTO_STARTTLS", "Timeout.starttls", _OPT, _812, default="1h"),
    _M("confDELIVER_BY_MIN", "DeliverByMin", _OPT, _812, default="0"),
    _M("confDONT_PRUNE_ROUTES", "DontPruneRoutes", _OPT, _87, default="False"),
    _M("confSAFE_QUEUE", "SuperSafe", _OPT, _87, default="True", preset="True"),
    # _OPTION since 8.14.0 (RN: "possible to unset the StatusFile option"); before, an
    # active "O StatusFile=/etc/mail/statistics" line
    _M("STATUS_FILE", "StatusFile", _OPT, _87),
    _M("confDEF_USER_ID", "DefaultUser", _OPT, _87, default="mailnull"),
    _M("confUSERDB_SPEC", "UserDatabaseSpec", _OPT, _87, default="/etc/mail/userdb"),
    _M("confFALLBACK_MX", "FallbackMXhost", _OPT, _87, default="fall.back.host.net"),
    _M("confFALLBACK_SMARTHOST", "FallbackSmartHost", _OPT, _813,
        default="fall.back.host.net"),
    _M("confTRY_NULL_MX_LIST", "TryNullMXList", _OPT, _87, default="False"),
    _M("confQUEUE_LA", "QueueLA", _OPT, _87, default="8"),
    _M("confREFUSE_LA", "RefuseLA", _OPT, _87, default="12"),
    _M("confREJECT_LOG_INTERVAL", "RejectLogInterval", _OPT, _813, default="3h"),
    _M("confDELAY_LA", "DelayLA", _OPT, _812, default="0"),
    _M("confMAX_DAEMON_CHILDREN", "MaxDaemonChildren", _OPT, _88, default="0"),
    _M("confCONNECTION_RATE_THROTTLE", "ConnectionRateThrottle", _OPT, _88, default="0"),
    _M("confCONNECTION_RATE_WINDOW_SIZE", "ConnectionRateWindowSize", _OPT, _813,
        default="60s"),
    _M("confWORK_RECIPIENT_FACTOR", "RecipientFactor", _OPT, _87, default="30000"),
    _M("confSEPARATE_PROC", "ForkEachJob", _OPT, _87, default="False"),
    _M("confWORK_CLASS_FACTOR", "ClassFactor", _OPT, _87, default="1800"),
    _M("confWORK_TIME_FACTOR", "RetryFactor", _OPT, _87, default="90000"),
    _M("confDEF_CHAR_SET", "DefaultCharSet", _OPT, _87, default="unknown-8bit"),
    _M("confSERVICE_SWITCH_FILE", "ServiceSwitchFile", _OPT, _87,
        default="/etc/mail/service.switch"),
    _M("confHOSTS_FILE", "HostsFile", _OPT, _87, default="/etc/hosts"),
    _M("confDIAL_DELAY", "DialDelay", _OPT, _87, default="0s"),
    _M("confNO_RCPT_ACTION", "NoRecipientAction", _OPT, _87, default="none"),
    _M("confSAFE_FILE_ENV", "SafeFileEnvironment", _OPT, _87),
    _M("confCOLON_OK_IN_ADDR", "ColonOkInAddr", _OPT, _87, default="True"),
    _M("confDONT_EXPAND_CNAMES", "DontExpandCnames", _OPT, _87, default="False"),
    _M("confSMTP_LOGIN_MSG", "SmtpGreetingMessage", _OPT, _87,
        default="$j Sendmail $v ready at $b", preset="$j Sendmail $v/$Z; $b"),
    _M("confFROM_LINE", "UnixFromLine", _OPT, _87,
        default="From $g $d", preset="From $g $d"),
    _M("confSINGLE_LINE_FROM_HEADER", "SingleLineFromHeader", _OPT, _88, default="False"),
    _M("confALLOW_BOGUS_HELO", "AllowBogusHELO", _OPT, _88, default="False"),
    _M("confMUST_QUOTE_CHARS", "MustQuoteChars", _OPT, _88, default="."),
    _M("confOPERATORS", "OperatorChars", _OPT, _87, default=".:@[]", preset=".:%@!^/[]+"),
    _M("confDONT_INIT_GROUPS", "DontInitGroups", _OPT, _88, default="False"),
    _M("confUNSAFE_GROUP_WRITES", "UnsafeGroupWrites", _OPT, _88, default="True",
        obsolete="deprecated: proto.m4 warns \"use confDONT_BLAME_SENDMAIL\" but still "
                 "writes the option"),
    _M("confDOUBLE_BOUNCE_ADDRESS", "DoubleBounceAddress", _OPT, _88, default="postmaster"),
    # RN 8.14.1 "Add confSOFT_BOUNCE" (SoftBounce itself is 8.14.0)
    _M("confSOFT_BOUNCE", "SoftBounce", _OPT, _8141, default="False"),
    _M("confDEAD_LETTER_DROP", "DeadLetterDrop", _OPT, _810,
        default="/var/tmp/dead.letter"),
    _M("confRUN_AS_USER", "RunAsUser", _OPT, _88, default="sendmail"),
    _M("confMAX_RCPTS_PER_MESSAGE", "MaxRecipientsPerMessage", _OPT, _89, default="0"),
    _M("confBAD_RCPT_THROTTLE", "BadRcptThrottle", _OPT, _812, default="0"),
    _M("confDONT_PROBE_INTERFACES", "DontProbeInterfaces", _OPT, _89, default="False"),
    _M("confRRT_IMPLIES_DSN", "RrtImpliesDsn", _OPT, _810, default="False"),
    _M("confCONNECT_ONLY_TO", "ConnectOnlyTo", _OPT, _810, default="0.0.0.0"),
    _M("confTRUSTED_USER", "TrustedUser", _OPT, _810, default="root"),
    _M("confCONTROL_SOCKET_NAME", "ControlSocketName", _OPT, _810,
        default="/var/spool/mqueue/.control"),
    _M("confMAX_MIME_HEADER_LENGTH", "MaxMimeHeaderLength", _OPT, _810, default="0/0"),
    _M("confMAX_HEADERS_LENGTH", "MaxHeadersLength", _OPT, _810, default="32768"),
    _M("confMAX_ALIAS_RECURSION", "MaxAliasRecursion", _OPT, _810, default="10"),
    _M("confPID_FILE", "PidFile", _OPT, _810, default="/var/run/sendmail.pid"),
    _M("confPROCESS_TITLE_PREFIX", "ProcessTitlePrefix", _OPT, _810, default="prefix"),
    _M("confDF_BUFFER_SIZE", "DataFileBufferSize", _OPT, _810, default="4096"),
    _M("confXF_BUFFER_SIZE", "XscriptFileBufferSize", _OPT, _810, default="4096"),
    _M("confMAILBOX_DATABASE", "MailboxDatabase", _OPT, _812, default="pw"),
    _M("confREQUIRES_DIR_FSYNC", "RequiresDirfsync", _OPT, _813, default="true"),
    _M("confAUTH_MECHANISMS", "AuthMechanisms", _OPT, _810,
        default="EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5"),
    _M("confAUTH_REALM", "AuthRealm", _OPT, _813),
    _M("confDEF_AUTH_INFO", "DefaultAuthInfo", _OPT, _810,
        default="/etc/mail/default-auth-info"),
    _M("confAUTH_OPTIONS", "AuthOptions", _OPT, _810),
    _M("confAUTH_MAX_BITS", "AuthMaxBits", _OPT, _812),
    _M("confTLS_SRV_OPTIONS", "TLSSrvOptions", _OPT, _812),
    # 8.15.1: not in the 8.14.6 proto.m4 although CipherList and Server/ClientSSLOptions
    # were FFR (_FFR_TLS_1) options since 8.12 / 8.14.4
    _M("confCIPHER_LIST", "CipherList", _OPT, _8151),
    _M("confSERVER_SSL_OPTIONS", "ServerSSLOptions", _OPT, _8151),
    _M("confCLIENT_SSL_OPTIONS", "ClientSSLOptions", _OPT, _8151),
    # RN 8.16.1 "CONFIG: New options confSSL_ENGINE and confSSL_ENGINE_PATH",
    # "New option confTLS_FALLBACK_TO_CLEAR"
    _M("confSSL_ENGINE", "SSLEngine", _OPT, _8161),
    _M("confSSL_ENGINE_PATH", "SSLEnginePath", _OPT, _8161),
    _M("confTLS_FALLBACK_TO_CLEAR", "TLSFallbacktoClear", _OPT, _8161),
    # cfhead.m4's INPUT_MAIL_FILTER() appends to confINPUT_MAIL_FILTERS.  The Milter.*
    # lines below are only written when a MAIL_FILTER() or INPUT_MAIL_FILTER() is given
    _M("confINPUT_MAIL_FILTERS", "InputMailFilters", _OPT, _812),
    _M("confMILTER_LOG_LEVEL", "Milter.LogLevel", _OPT, _812),
    _M("confMILTER_MACROS_CONNECT", "Milter.macros.connect", _OPT, _812,
        preset="j, _, {daemon_name}, {if_name}, {if_addr}"),
    _M("confMILTER_MACROS_HELO", "Milter.macros.helo", _OPT, _812,
        preset="{tls_version}, {cipher}, {cipher_bits}, {cert_subject}, {cert_issuer}"),
    _M("confMILTER_MACROS_ENVFROM", "Milter.macros.envfrom", _OPT, _812,
        preset="i, {auth_type}, {auth_authen}, {auth_ssf}, {auth_author}, {mail_mailer}, "
               "{mail_host}, {mail_addr}"),
    _M("confMILTER_MACROS_ENVRCPT", "Milter.macros.envrcpt", _OPT, _812,
        preset="{rcpt_mailer}, {rcpt_host}, {rcpt_addr}"),
    _M("confMILTER_MACROS_EOM", "Milter.macros.eom", _OPT, _813, preset="{msg_id}"),
    # RN 8.14.1 "Add confMILTER_MACROS_EOH and confMILTER_MACROS_DATA"
    _M("confMILTER_MACROS_EOH", "Milter.macros.eoh", _OPT, _8141),
    _M("confMILTER_MACROS_DATA", "Milter.macros.data", _OPT, _8141),
    _M("confCACERT_PATH", "CACertPath", _OPT, _811),
    _M("confCACERT", "CACertFile", _OPT, _811),
    _M("confSERVER_CERT", "ServerCertFile", _OPT, _811),
    _M("confSERVER_KEY", "ServerKeyFile", _OPT, _811),
    _M("confCLIENT_CERT", "ClientCertFile", _OPT, _811),
    _M("confCLIENT_KEY", "ClientKeyFile", _OPT, _811),
    _M("confCRL", "CRLFile", _OPT, _813),
    # 8.16.1: not in the 8.15 proto.m4, in 8.16.0.41 (CRLPath was FFR, _FFR_CRLPATH, before)
    _M("confCRL_PATH", "CRLPath", _OPT, _8161),
    _M("confDH_PARAMETERS", "DHParameters", _OPT, _811),
    _M("confRAND_FILE", "RandFile", _OPT, _811),
    # RN 8.15.1 "The new option CertFingerprintAlgorithm"; in the 8.15 proto.m4
    _M("confCERT_FINGERPRINT_ALGORITHM", "CertFingerprintAlgorithm", _OPT, _8151),
    # RN 8.16.1 "CONFIG: New options confDANE"; DANE is only in DANE builds
    _M("confDANE", "DANE", _OPT, _8161, default="false"),
    # 8.14.0 (in the 8.14.0 tree; RN 8.14.1: "8.14.0's RELEASE_NOTES failed to mention
    # ... confMAX_NOOP_COMMANDS and confSHARED_MEMORY_KEY_FILE"); confHELO_NAME: RN 8.14.0
    _M("confMAX_NOOP_COMMANDS", "MaxNOOPCommands", _OPT, _814, default="20"),
    _M("confHELO_NAME", "HeloName", _OPT, _814),
    # Debian's sendmail-cf only: not in the upstream 8.17.1.9 proto.m4.  RejectNUL needs
    # _FFR_REJECT_NUL_BYTE.  Seen in Debian's 8.17.1.9; earlier Debian releases not checked
    _M("confREJECT_NUL", "RejectNUL", _OPT, _8171, default="false", vendor="debian"),

    # ---- O lines proto.m4 writes without _OPTION ------------------------------------
    # "O HelpFile=ifdef(`HELP_FILE', HELP_FILE, `.../helpfile')": active even undefined
    _M("HELP_FILE", "HelpFile", _OPT, _87, default="/etc/mail/helpfile"),
    # "O QueueDirectory=ifdef(`QUEUE_DIR', QUEUE_DIR, `/var/spool/mqueue')": active
    _M("QUEUE_DIR", "QueueDirectory", _OPT, _87, default="/var/spool/mqueue"),
    # ifelse: `USE_SYSTEM' -> "#O TimeZoneSpec=", `USE_TZ' -> "O TimeZoneSpec=", else
    # "O TimeZoneSpec=<value>"
    _M("confTIME_ZONE", "TimeZoneSpec", _OPT, _87, preset="USE_SYSTEM"),
    # replaced by DAEMON_OPTIONS() in 8.10.0 (RN); first release not established
    _M("confDAEMON_OPTIONS", "DaemonPortOptions", _OPT, _UNDATED,
        obsolete="replaced by DAEMON_OPTIONS(): proto.m4 warns \"no longer valid\" but "
                 "still passes the value to DAEMON_OPTIONS()"),
    # RN 8.10.0 (new m4 options table); replaced by CLIENT_OPTIONS() in 8.12.0 (RN)
    _M("confCLIENT_OPTIONS", "ClientPortOptions", _OPT, _810,
        obsolete="replaced by CLIENT_OPTIONS(): proto.m4 warns \"no longer valid\" but "
                 "still passes the value to CLIENT_OPTIONS()"),

    # ---- D lines ----------------------------------------------------------------------
    # "Dj<value>", else "#Dj$w.Foo.COM"
    _M("confDOMAIN_NAME", None, _MAC, _86, default="$w.Foo.COM"),
    # "Dn<value>", else "#DnMAILER-DAEMON"; cfhead.m4 presets it (undated)
    _M("confMAILER_NAME", None, _MAC, _UNDATED, default="MAILER-DAEMON",
        preset="MAILER-DAEMON"),
    # "D{sendmailMTACluster}<value>", else "#D{sendmailMTACluster}$m" (RN 8.12.0)
    _M("confLDAP_CLUSTER", None, _MAC, _812, default="$m"),
    # version.m4: "DZ8.17.1.9/<value>" (RN 8.7.1)
    _M("confCF_VERSION", None, _MAC, _871),

    # ---- used elsewhere: mailers, classes, maps, headers, rules -----------------------
    # default is the value proto.m4 falls back to when the macro is undefined
    _M("confSMTP_MAILER", None, _OTH, _86, default="esmtp"),
    _M("confLOCAL_MAILER", None, _OTH, _86, default="local"),
    # "relay" with MAILER(`smtp'), else "uucp-new" with MAILER(`uucp'), else "unknown"
    _M("confRELAY_MAILER", None, _OTH, _86, default="relay"),
    _M("confUUCP_MAILER", None, _OTH, _871, default="uucp-old"),
    # the directory of smrsh and mail.local (FEATURE(`smrsh'), FEATURE(`local_lmtp'));
    # every OSTYPE file sets it (linux.m4: /usr/sbin).  RN 8.9.0
    _M("confEBINDIR", None, _OTH, _89),
    # "Fw<file>" with FEATURE(`use_cw_file') (RN 8.8.7)
    _M("confCW_FILE", None, _OTH, _887, preset="/etc/mail/local-host-names"),
    # "FR<file>" ($=R, relay-domains) (RN 8.9.0)
    _M("confCR_FILE", None, _OTH, _89, preset="-o /etc/mail/relay-domains"),
    # "Ft<file>", commented out without FEATURE(`use_ct_file') (undated)
    _M("confCT_FILE", None, _OTH, _UNDATED, default="/etc/mail/trusted-users"),
    # "T<users>": class t (undated)
    _M("confTRUSTED_USERS", None, _OTH, _UNDATED),
    # options of the dequote map ("Kdequote dequote <opts>") (RN 8.12.0)
    _M("confDEQUOTE_OPTS", None, _OTH, _812),
    # header templates: "H?F?From: ...", "H?M?Message-Id: ...", "HReceived: ..."
    _M("confFROM_HEADER", None, _OTH, _8111, default="$?x$x <$g>$|$g$."),
    _M("confMESSAGEID_HEADER", None, _OTH, _813, default="<$t.$i@$j>"),
    # cfhead.m4 presets the standard multi-line Received: template (RN 8.7.1)
    _M("confRECEIVED_HEADER", None, _OTH, _871),
    # error texts in the check_* rulesets (RN 8.12.0; confRCPTREJ_MSG undated)
    _M("confRELAY_MSG", None, _OTH, _812, default="\"550 Relaying denied\""),
    _M("confREJECT_MSG", None, _OTH, _812, default="\"550 Access denied\""),
    _M("confRCPTREJ_MSG", None, _OTH, _UNDATED,
        default="\"550 Mailbox disabled for this recipient\""),

    # ---- obsolete: read only to warn or to translate (all undated) ---------------------
    _M("confMESSAGE_TIMEOUT", None, _OTH, _UNDATED,
        obsolete="old form of confTO_QUEUERETURN: proto.m4 copies it there (the part "
                 "after a \"/\" into confTO_QUEUEWARN)"),
    _M("confDEF_GROUP_ID", None, _OTH, _UNDATED,
        obsolete="proto.m4 prints \"*** confDEF_GROUP_ID is obsolete\" and ignores it; "
                 "use confDEF_USER_ID with user:group"),
    _M("confREAD_TIMEOUT", None, _OTH, _UNDATED,
        obsolete="proto.m4 prints \"*** confREAD_TIMEOUT is obsolete\" and ignores it; "
                 "use the confTO_* macros"),
    # AutoRebuildAliases was removed in 8.12.0 (RN)
    _M("confAUTO_REBUILD", None, _OTH, _UNDATED,
        obsolete="AutoRebuildAliases was removed in 8.12.0: proto.m4 only warns \"no "
                 "longer valid\""),

    # ---- 8.18.1 -----------------------------------------------------------------------
    # "EOPENSSL_CONF=<file>"; undefined: the default (an active E line); empty: no line.
    # From the reference (sendmail-tls.md §5.4); an 8.18 FEATURE file for FIPS seen in
    # the stored sources defines it (as /etc/mail/fips.ossl)
    _M("confOPENSSL_CNF", None, _OSSL, _8181, default="/etc/mail/sendmail.ossl"),
)

MACROS: dict[str, MacroSpec] = {m.macro: m for m in _TABLE}

# Macros whose undefined state still gives an active line with ``default``.
ACTIVE_DEFAULT: frozenset[str] = frozenset({"HELP_FILE", "QUEUE_DIR", "confOPENSSL_CNF"})

# emits == "macro": the sendmail macro each one defines (confCF_VERSION appends
# "/<value>" to $Z).
MACRO_LINES: dict[str, str] = {
    "confDOMAIN_NAME": "j",
    "confMAILER_NAME": "n",
    "confLDAP_CLUSTER": "{sendmailMTACluster}",
    "confCF_VERSION": "Z",
}

# The STARTTLS macros (reference §1) and 8.18.1's OpenSSL configuration file.
TLS_MACROS: frozenset[str] = frozenset({
    "confSERVER_CERT", "confSERVER_KEY", "confCLIENT_CERT", "confCLIENT_KEY",
    "confCACERT", "confCACERT_PATH", "confCRL", "confCRL_PATH", "confDH_PARAMETERS",
    "confRAND_FILE", "confTLS_SRV_OPTIONS", "confTO_STARTTLS", "confCIPHER_LIST",
    "confSERVER_SSL_OPTIONS", "confCLIENT_SSL_OPTIONS", "confCERT_FINGERPRINT_ALGORITHM",
    "confSSL_ENGINE", "confSSL_ENGINE_PATH", "confTLS_FALLBACK_TO_CLEAR", "confDANE",
    "confOPENSSL_CNF",
})

# Options that no .mc define sets (in any release) and how an .mc sets them instead.
SET_WITHOUT_MACRO: dict[str, str] = {
    "CipherSuites": "LOCAL_CONFIG (there is no confCIPHER_SUITES)",
    "SetCertAltnames": "FEATURE(`check_cert_altnames') or FEATURE(`sts')",
    "StrictTransportSecurity": "FEATURE(`sts')",
    "DaemonPortOptions": "DAEMON_OPTIONS(`...')",
    "ClientPortOptions": "CLIENT_OPTIONS(`...')",
}

# lower-cased cf option -> its macro: the first non-obsolete one, else an obsolete one
# unless SET_WITHOUT_MACRO has the better way (DAEMON_OPTIONS() for confDAEMON_OPTIONS)
_BY_OPTION: dict[str, str] = {
    m.option.lower(): m.macro for m in reversed(_TABLE)
    if m.option is not None and m.obsolete is not None and m.option not in SET_WITHOUT_MACRO
}
_BY_OPTION.update({
    m.option.lower(): m.macro for m in reversed(_TABLE)
    if m.option is not None and m.obsolete is None
})

# a two-part version means the last release of that line (as cflint.sendmail.versions)
_LAST_PATCH: dict[Version, Version] = {
    (8, 13): (8, 13, 8), (8, 14): (8, 14, 9), (8, 15): (8, 15, 2),
    (8, 16): (8, 16, 1), (8, 17): (8, 17, 2), (8, 18): (8, 18, 1),
}


def _norm(version) -> Version:
    """(8, 17, 1) / "8.17.1" / (8, 17) -> (8, 17, 1, 0): comparable release tuples."""
    if isinstance(version, str):
        v = tuple(int(p) for p in version.strip().split(".") if p != "")
    else:
        v = tuple(int(p) for p in version)
    if len(v) == 2:
        v = _LAST_PATCH.get(v, v + (0,))
    return v + (0,) * (4 - len(v)) if len(v) < 4 else v


def macro_for_option(option: str) -> str | None:
    """The .mc define that sets a cf option ("ServerCertFile" -> "confSERVER_CERT";
    case-insensitive, "Timeout.starttls" -> "confTO_STARTTLS"), or None (see
    SET_WITHOUT_MACRO for the options an .mc sets another way)."""
    return _BY_OPTION.get(option.lower())


def lookup(name: str, version, vendor: str | None = None) -> tuple[str, MacroSpec | None]:
    """Judge a define()d name for a sendmail-cf release: ("ok", spec); ("later", spec)
    if it first appears after ``version``; ("removed", spec) if that release no longer
    reads it; ("unknown", None) if no sendmail-cf file reads it.  m4 names are
    case-sensitive, so "confServer_Cert" is unknown.  With ``vendor`` ("debian",
    "upstream", ...) a vendor-only macro of another vendor is ("unknown", spec).  An
    "ok" macro may still be ``spec.obsolete``.  ``version``: (8, 17, 1) or "8.17.1";
    a two-part version means the last release of that line."""
    spec = MACROS.get(name)
    if spec is None:
        return "unknown", None
    if vendor is not None and spec.vendor is not None and vendor != spec.vendor:
        return "unknown", spec
    v = _norm(version)
    if v < _norm(spec.since):
        return "later", spec
    if spec.until is not None and v >= _norm(spec.until):
        return "removed", spec
    return "ok", spec


def suggest(name: str, limit: int = 3) -> list[str]:
    """Known macro names for a misspelt one, best first: other case ("confServer_Cert"),
    other underscores ("confCA_CERT" -> confCACERT), a stray _FILE/_PATH suffix
    ("confCRL_FILE" -> confCRL), then the closest spellings."""
    import difflib

    def squash(s: str) -> str:
        return s.replace("_", "").lower()

    first: list[str] = []
    for cand in (name, name.removesuffix("_FILE"), name.removesuffix("_PATH")):
        first += [m for m in MACROS
                  if m != name and m not in first and squash(m) == squash(cand)]
    close = difflib.get_close_matches(name, list(MACROS), n=limit + len(first), cutoff=0.75)
    return (first + [m for m in close if m not in first and m != name])[:limit]
