"""sendmail's configuration options, as data.

What sendmail's config reader knows, for releases 8.13 through 8.18: every cf option
name, the one-letter names, the DontBlameSendmail words, the Timeout.<x> names and the
SSL_OP_* names of Server/ClientSSLOptions, each with the release it appeared in (and
the release that removed it, if any) and the compile-time condition that puts it into
the binary.  cflint uses it to judge option names the way readcf.c setoption() does:
case-insensitive names, unique prefixes accepted as abbreviations (the matching itself
is done by cflint.model; this module only has to be complete and correct).

Where the data comes from
-------------------------
* ``sendmail/readcf.c``, table ``OptionTab[]`` (names, one-letter codes, the OI_SUBOPT
  flag, the ``#if`` around each entry) and function ``setoption()`` (what each option's
  value is, which ones OR into an existing value instead of replacing it); table
  ``TimeOutTab[]`` / ``settimeout()``; table ``SSL_Option[]`` / ``readssloptions()``.
  Read in the 8.17.1.9 tree (Debian's source, deepin-community/sendmail) and the
  8.18.0.2 tree (hrs-allbsd/sendmail), and for the history in the 8.12.9, 8.13.4,
  8.14.4, 8.14.5, 8.14.7, 8.15-pre (readcf.c 8.692) and 8.16.0.41 trees (FreeBSD,
  DragonFly, MidnightBSD, TrustedBSD contrib/sendmail copies, arnt/sendmail-smtputf8).
* ``sendmail/conf.c``, table ``DontBlameSendmailValues[]``.
* ``RELEASE_NOTES`` ("New option ...", "New DontBlameSendmail option ...", "Remove
  AutoRebuildAliases option", "New Timeout.x option", ...) for the release of each
  name; Debian ships the file as /usr/share/doc/sendmail-base/changelog.gz.
* ``cf/m4/proto.m4`` (``_OPTION(name, `confMACRO', ...)``) for the .mc defines.
* SSL_OP_* values: the OpenSSL 3.0 ``<openssl/ssl.h>`` (Debian 12, libssl-dev 3.0.x),
  printed by a small C program for exactly the names sendmail's table holds.

How it was checked against the installed binary
-----------------------------------------------
Debian 12's /usr/sbin/sendmail-mta (8.17.1.9; ``sendmail-mta -d0.13 -bt`` lists the
compile flags copied into DEBIAN_BUILD_FLAGS).  For every option this table says exists
in 8.17.1 for that build, a copy of /etc/mail/sendmail.cf with ``O Name=value``
appended was read with ``sendmail-mta -bt -C copy.cf`` and none printed "readcf: unknown
option name"; the removed, FFR-only and compile-flag-gated names (DHParameters512,
AutoRebuildAliases, QueueDelay, DANE, FIPSMode, ClientCACertFile, NameServer, Hacks,
KeepBcc, AddBcc, BounceQueue, MaxForwardEntries, UseTLS, ...) were all rejected.  The
same was done for every one-letter name (and D, N, W rejected as "unknown option name
0x44" ...), every DontBlameSendmail word of 8.17 (CertOwner rejected), every Timeout
name and every SSL_OP_* name.  The strings of the binary hold the same OptionTab.
"""
from __future__ import annotations

from dataclasses import dataclass

Version = tuple[int, ...]          # (8, 15, 1)


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str                      # canonical spelling, e.g. "ServerCertFile"
    short: str | None              # one-letter name ("L" for LogLevel), None if none
    kind: str                      # see KINDS
    since: Version                 # first release with it
    until: Version | None = None   # first release without it (removed), else None
    accumulate: bool = False       # each line adds to the value (else last line wins)
    suboptions: bool = False       # takes Name.sub (Timeout, Milter)
    build: str | None = None       # compile-time condition for the OptionTab entry
    macro: str | None = None       # the .mc define (or m4 macro) that sets it
    tls: bool = False              # a STARTTLS option


KINDS = frozenset({
    "path", "paths", "dir", "string", "bool", "int", "duration", "mode", "size", "char",
    "flags", "sslopts", "tlssrv", "user", "daemon", "list", "timeout", "milter", "other",
})

_O = OptionSpec

# Releases that appear below.  (8, 7, 0) is 8.7, the release that introduced long
# option names; an option with that "since" existed (as a letter) before as well.
_87, _88, _89 = (8, 7, 0), (8, 8, 0), (8, 9, 0)
_810, _811, _812 = (8, 10, 0), (8, 11, 0), (8, 12, 0)
_813, _814, _8147 = (8, 13, 0), (8, 14, 0), (8, 14, 7)
_8151, _8152, _8161, _8171 = (8, 15, 1), (8, 15, 2), (8, 16, 1), (8, 17, 1)

# ---------------------------------------------------------------------------------
# Every option, in the order of readcf.c OptionTab[] (8.17/8.18), with the options that
# left the table (AutoRebuildAliases, QueueDelay, DHParameters512) at the place they
# had.  Two OptionTab rows have no long name and are not options one can name in an
# "O Name=" line: 'g' (default group, normally set through DefaultUser=user:group) and
# 'M' (define a macro); see SHORT_NAMELESS.  "InetQoS" sits in the source under "#if 0"
# and is never compiled, so it is not listed.
# ---------------------------------------------------------------------------------
OPTIONS: tuple[OptionSpec, ...] = (
    # Solaris only: "#if defined(SUN_EXTENSIONS) && defined(REMOTE_MODE)"
    _O("RemoteMode", ">", "other", _812, build="SUN_EXTENSIONS"),
    _O("SevenBitInput", "7", "bool", _87, macro="confSEVEN_BIT_INPUT"),
    _O("EightBitMode", "8", "other", _87, macro="confEIGHT_BIT_HANDLING"),
    _O("AliasFile", "A", "list", _87, accumulate=True, macro="ALIAS_FILE"),
    _O("AliasWait", "a", "duration", _87, macro="confALIAS_WAIT"),
    _O("BlankSub", "B", "char", _87, macro="confBLANK_SUB"),
    _O("MinFreeBlocks", "b", "int", _87, macro="confMIN_FREE_BLOCKS"),
    _O("CheckpointInterval", "C", "int", _87, macro="confCHECKPOINT_INTERVAL"),
    _O("HoldExpensive", "c", "bool", _87, macro="confCON_EXPENSIVE"),
    # 'D': deprecated in 8.10, "Remove AutoRebuildAliases option" in 8.12.0
    _O("AutoRebuildAliases", "D", "bool", _87, until=_812),
    _O("DeliveryMode", "d", "other", _87, macro="confDELIVERY_MODE"),
    _O("ErrorHeader", "E", "string", _87, macro="confERROR_MESSAGE"),
    _O("ErrorMode", "e", "other", _87, macro="confERROR_MODE"),
    _O("TempFileMode", "F", "mode", _87, macro="confTEMP_FILE_MODE"),
    _O("SaveFromLine", "f", "bool", _87, macro="confSAVE_FROM_LINES"),
    _O("MatchGECOS", "G", "bool", _87, macro="confMATCH_GECOS"),
    _O("HelpFile", "H", "path", _87, macro="HELP_FILE"),
    _O("MaxHopCount", "h", "int", _87, macro="confMAX_HOP"),
    _O("ResolverOptions", "I", "flags", _87, accumulate=True, macro="confBIND_OPTS"),
    _O("IgnoreDots", "i", "bool", _87, macro="confIGNORE_DOTS"),
    _O("ForwardPath", "J", "list", _87, macro="confFORWARD_PATH"),
    _O("SendMimeErrors", "j", "bool", _87, macro="confMIME_FORMAT_ERRORS"),
    _O("ConnectionCacheSize", "k", "int", _87, macro="confMCI_CACHE_SIZE"),
    _O("ConnectionCacheTimeout", "K", "duration", _87, macro="confMCI_CACHE_TIMEOUT"),
    _O("UseErrorsTo", "l", "bool", _87, macro="confUSE_ERRORS_TO"),
    _O("LogLevel", "L", "int", _87, macro="confLOG_LEVEL"),
    _O("MeToo", "m", "bool", _87, macro="confME_TOO"),
    _O("CheckAliases", "n", "bool", _87, macro="confCHECK_ALIASES"),
    _O("OldStyleHeaders", "o", "bool", _87, macro="confOLD_STYLE_HEADERS"),
    _O("DaemonPortOptions", "O", "daemon", _87, accumulate=True, macro="DAEMON_OPTIONS"),
    _O("PrivacyOptions", "p", "flags", _87, accumulate=True, macro="confPRIVACY_FLAGS"),
    _O("PostmasterCopy", "P", "string", _87, macro="confCOPY_ERRORS_TO"),
    _O("QueueFactor", "q", "int", _87, macro="confQUEUE_FACTOR"),
    _O("QueueDirectory", "Q", "dir", _87, macro="QUEUE_DIR"),
    _O("DontPruneRoutes", "R", "bool", _87, macro="confDONT_PRUNE_ROUTES"),
    _O("Timeout", "r", "timeout", _87, suboptions=True),
    _O("StatusFile", "S", "path", _87, macro="STATUS_FILE"),
    _O("SuperSafe", "s", "other", _87, macro="confSAFE_QUEUE"),
    # old form "T return[/warn]"; sets Timeout.queuereturn (and .queuewarn)
    _O("QueueTimeout", "T", "duration", _87),
    _O("TimeZoneSpec", "t", "string", _87, macro="confTIME_ZONE"),
    _O("UserDatabaseSpec", "U", "list", _87, macro="confUSERDB_SPEC"),
    _O("DefaultUser", "u", "user", _87, macro="confDEF_USER_ID"),
    _O("FallbackMXhost", "V", "string", _87, macro="confFALLBACK_MX"),
    _O("Verbose", "v", "bool", _87),
    _O("TryNullMXList", "w", "bool", _87, macro="confTRY_NULL_MX_LIST"),
    _O("QueueLA", "x", "int", _87, macro="confQUEUE_LA"),
    _O("RefuseLA", "X", "int", _87, macro="confREFUSE_LA"),
    _O("RecipientFactor", "y", "int", _87, macro="confWORK_RECIPIENT_FACTOR"),
    _O("ForkEachJob", "Y", "bool", _87, macro="confSEPARATE_PROC"),
    _O("ClassFactor", "z", "int", _87, macro="confWORK_CLASS_FACTOR"),
    _O("RetryFactor", "Z", "int", _87, macro="confWORK_TIME_FACTOR"),
    # options that never had a letter (codes 0x81 and up)
    _O("QueueSortOrder", None, "other", _87, macro="confQUEUE_SORT_ORDER"),
    _O("HostsFile", None, "path", _87, macro="confHOSTS_FILE"),
    _O("MinQueueAge", None, "duration", _87, macro="confMIN_QUEUE_AGE"),
    _O("DefaultCharSet", None, "string", _87, macro="confDEF_CHAR_SET"),
    _O("ServiceSwitchFile", None, "path", _87, macro="confSERVICE_SWITCH_FILE"),
    _O("DialDelay", None, "duration", _87, macro="confDIAL_DELAY"),
    _O("NoRecipientAction", None, "other", _87, macro="confNO_RCPT_ACTION"),
    _O("SafeFileEnvironment", None, "dir", _87, macro="confSAFE_FILE_ENV"),
    _O("MaxMessageSize", None, "size", _87, macro="confMAX_MESSAGE_SIZE"),
    _O("ColonOkInAddr", None, "bool", _87, macro="confCOLON_OK_IN_ADDR"),
    _O("MaxQueueRunSize", None, "int", _87, macro="confMAX_QUEUE_RUN_SIZE"),
    _O("MaxDaemonChildren", None, "int", _88, macro="confMAX_DAEMON_CHILDREN"),
    _O("DontExpandCnames", None, "bool", _87, macro="confDONT_EXPAND_CNAMES"),
    _O("MustQuoteChars", None, "string", _88, macro="confMUST_QUOTE_CHARS"),
    _O("SmtpGreetingMessage", None, "string", _87, macro="confSMTP_LOGIN_MSG"),
    _O("UnixFromLine", None, "string", _87, macro="confFROM_LINE"),
    _O("OperatorChars", None, "string", _87, macro="confOPERATORS"),
    _O("DontInitGroups", None, "bool", _88, macro="confDONT_INIT_GROUPS"),
    _O("SingleLineFromHeader", None, "bool", _88, macro="confSINGLE_LINE_FROM_HEADER"),
    _O("AllowBogusHELO", None, "bool", _88, macro="confALLOW_BOGUS_HELO"),
    _O("ConnectionRateThrottle", None, "int", _88, macro="confCONNECTION_RATE_THROTTLE"),
    _O("UnsafeGroupWrites", None, "bool", _88, macro="confUNSAFE_GROUP_WRITES"),
    _O("DoubleBounceAddress", None, "string", _88, macro="confDOUBLE_BOUNCE_ADDRESS"),
    _O("HostStatusDirectory", None, "dir", _88, macro="confHOST_STATUS_DIRECTORY"),
    _O("SingleThreadDelivery", None, "bool", _88, macro="confSINGLE_THREAD_DELIVERY"),
    _O("RunAsUser", None, "user", _88, macro="confRUN_AS_USER"),
    _O("RrtImpliesDsn", None, "bool", _810, macro="confRRT_IMPLIES_DSN"),
    _O("PidFile", None, "path", _810, macro="confPID_FILE"),
    _O("DontBlameSendmail", None, "flags", _89, accumulate=True,
       macro="confDONT_BLAME_SENDMAIL"),
    _O("DontProbeInterfaces", None, "other", _89, macro="confDONT_PROBE_INTERFACES"),
    _O("MaxRecipientsPerMessage", None, "int", _89, macro="confMAX_RCPTS_PER_MESSAGE"),
    _O("DeadLetterDrop", None, "path", _810, macro="confDEAD_LETTER_DROP"),
    _O("DontLockFilesForRead", None, "bool", _810,
       build="_FFR_DONTLOCKFILESFORREAD_OPTION"),
    _O("MaxAliasRecursion", None, "int", _810, macro="confMAX_ALIAS_RECURSION"),
    _O("ConnectOnlyTo", None, "string", _810, macro="confCONNECT_ONLY_TO"),
    _O("TrustedUser", None, "user", _810, macro="confTRUSTED_USER"),
    _O("MaxMimeHeaderLength", None, "other", _810, macro="confMAX_MIME_HEADER_LENGTH"),
    _O("ControlSocketName", None, "path", _810, macro="confCONTROL_SOCKET_NAME"),
    _O("MaxHeadersLength", None, "size", _810, macro="confMAX_HEADERS_LENGTH"),
    _O("MaxForwardEntries", None, "int", _810, build="_FFR_MAX_FORWARD_ENTRIES"),
    _O("ProcessTitlePrefix", None, "string", _810, macro="confPROCESS_TITLE_PREFIX"),
    _O("DefaultAuthInfo", None, "path", _810, macro="confDEF_AUTH_INFO"),
    _O("AuthMechanisms", None, "list", _810, macro="confAUTH_MECHANISMS"),
    _O("ClientPortOptions", None, "daemon", _810, accumulate=True, macro="CLIENT_OPTIONS"),
    _O("DataFileBufferSize", None, "size", _810, macro="confDF_BUFFER_SIZE"),
    _O("XscriptFileBufferSize", None, "size", _810, macro="confXF_BUFFER_SIZE"),
    _O("LDAPDefaultSpec", None, "string", _810, macro="confLDAP_DEFAULT_SPEC"),
    # code 0xb3: 8.12 only, "#if _FFR_QUEUEDELAY"; gone from the 8.13 table
    _O("QueueDelay", None, "other", _812, until=_813, build="_FFR_QUEUEDELAY"),
    # second cert/key pair after a comma since 8.15.1 ("paths")
    _O("ServerCertFile", None, "paths", _811, macro="confSERVER_CERT", tls=True),
    _O("ServerKeyFile", None, "paths", _811, macro="confSERVER_KEY", tls=True),
    _O("ClientCertFile", None, "paths", _811, macro="confCLIENT_CERT", tls=True),
    _O("ClientKeyFile", None, "paths", _811, macro="confCLIENT_KEY", tls=True),
    _O("CACertFile", None, "path", _811, macro="confCACERT", tls=True),
    _O("CACertPath", None, "dir", _811, macro="confCACERT_PATH", tls=True),
    # a file, or one of none / 1 / 2 / 5 / i (built-in primes)
    _O("DHParameters", None, "other", _811, macro="confDH_PARAMETERS", tls=True),
    _O("InputMailFilters", None, "list", _812, macro="confINPUT_MAIL_FILTERS"),
    _O("Milter", None, "milter", _812, suboptions=True),
    _O("AuthOptions", None, "flags", _810, accumulate=True, macro="confAUTH_OPTIONS"),
    _O("QueueFileMode", None, "mode", _812, macro="confQUEUE_FILE_MODE"),
    # code 0xbf until 8.15.0, "#if _FFR_TLS_1"; 8.15.1 gave 0xbf to CertFingerprintAlgorithm
    _O("DHParameters512", None, "path", _812, until=_8151, build="_FFR_TLS_1", tls=True),
    _O("CertFingerprintAlgorithm", None, "string", _8151,
       macro="confCERT_FINGERPRINT_ALGORITHM", tls=True),
    _O("CipherList", None, "string", _8151, macro="confCIPHER_LIST", tls=True),
    # "file:/path" or "egd:/path"
    _O("RandFile", None, "other", _811, macro="confRAND_FILE", tls=True),
    _O("TLSSrvOptions", None, "tlssrv", _812, accumulate=True, macro="confTLS_SRV_OPTIONS",
       tls=True),
    _O("BadRcptThrottle", None, "int", _812, macro="confBAD_RCPT_THROTTLE"),
    _O("DeliverByMin", None, "duration", _812, macro="confDELIVER_BY_MIN"),
    _O("MaxQueueChildren", None, "int", _812, macro="confMAX_QUEUE_CHILDREN"),
    _O("MaxRunnersPerQueue", None, "int", _812, macro="confMAX_RUNNERS_PER_QUEUE"),
    _O("DirectSubmissionModifiers", None, "string", _812,
       macro="confDIRECT_SUBMISSION_MODIFIERS"),
    _O("NiceQueueRun", None, "int", _812, macro="confNICE_QUEUE_RUN"),
    _O("SharedMemoryKey", None, "int", _812, macro="confSHARED_MEMORY_KEY"),
    _O("AuthMaxBits", None, "int", _812, macro="confAUTH_MAX_BITS"),
    _O("MailboxDatabase", None, "string", _812, macro="confMAILBOX_DATABASE"),
    _O("UseMSP", None, "bool", _812, macro="confUSE_MSP"),
    _O("DelayLA", None, "int", _812, macro="confDELAY_LA"),
    _O("FastSplit", None, "int", _812, macro="confFAST_SPLIT"),
    _O("SoftBounce", None, "bool", _814, macro="confSOFT_BOUNCE"),
    _O("SharedMemoryKeyFile", None, "path", _814, macro="confSHARED_MEMORY_KEY_FILE"),
    _O("RejectLogInterval", None, "duration", _813, macro="confREJECT_LOG_INTERVAL"),
    _O("RequiresDirfsync", None, "bool", _813, macro="confREQUIRES_DIR_FSYNC"),
    _O("ConnectionRateWindowSize", None, "duration", _813,
       macro="confCONNECTION_RATE_WINDOW_SIZE"),
    _O("CRLFile", None, "path", _813, macro="confCRL", tls=True),
    _O("FallbackSmartHost", None, "string", _813, macro="confFALLBACK_SMARTHOST"),
    _O("AuthRealm", None, "string", _813, macro="confAUTH_REALM"),
    _O("CRLPath", None, "dir", _8161, macro="confCRL_PATH", tls=True),
    _O("HeloName", None, "string", _814, macro="confHELO_NAME"),
    _O("RefuseLowMem", None, "int", _814, build="_FFR_MEMSTAT"),
    _O("QueueLowMem", None, "int", _814, build="_FFR_MEMSTAT"),
    _O("MemoryResource", None, "string", _814, build="_FFR_MEMSTAT"),
    _O("MaxNOOPCommands", None, "int", _814, macro="confMAX_NOOP_COMMANDS"),
    _O("MessageAccept", None, "string", _814, build="_FFR_MSG_ACCEPT"),
    _O("CheckQueueRunners", None, "int", _814, build="_FFR_QUEUE_RUN_PARANOIA"),
    _O("EightBitAddrOK", None, "bool", _814, build="_FFR_EIGHT_BIT_ADDR_OK"),
    _O("AddrTypeModes", None, "bool", _814, build="_FFR_ADDR_TYPE_MODES"),
    _O("BadRcptShutdown", None, "int", _814, build="_FFR_BADRCPT_SHUTDOWN"),
    _O("BadRcptShutdownGood", None, "int", _814, build="_FFR_BADRCPT_SHUTDOWN"),
    _O("ServerSSLOptions", None, "sslopts", _8151, accumulate=True,
       macro="confSERVER_SSL_OPTIONS", tls=True),
    _O("ClientSSLOptions", None, "sslopts", _8151, accumulate=True,
       macro="confCLIENT_SSL_OPTIONS", tls=True),
    _O("MaxQueueAge", None, "duration", _8151, macro="confMAX_QUEUE_AGE"),
    _O("BadRcptThrottleDelay", None, "int", _814, build="_FFR_RCPTTHROTDELAY"),
    # "#if STARTTLS && _FFR_FIPSMODE"
    _O("FIPSMode", None, "bool", _8147, build="_FFR_FIPSMODE", tls=True),
    _O("RejectNUL", None, "bool", _8147, build="_FFR_REJECT_NUL_BYTE", macro="confREJECT_NUL"),
    _O("BounceQueue", None, "string", _8151, build="_FFR_BOUNCE_QUEUE"),
    _O("AddBcc", None, "bool", _8161, build="_FFR_ADD_BCC"),
    _O("UseCompressedIPv6Addresses", None, "bool", _8152,
       macro="confUSE_COMPRESSED_IPV6_ADDRESSES"),
    _O("SSLEngine", None, "string", _8161, build="STARTTLS", macro="confSSL_ENGINE",
       tls=True),
    _O("SSLEnginePath", None, "path", _8161, build="STARTTLS", macro="confSSL_ENGINE_PATH",
       tls=True),
    _O("TLSFallbacktoClear", None, "bool", _8161, build="STARTTLS",
       macro="confTLS_FALLBACK_TO_CLEAR", tls=True),
    # 8.17: "#if DNSSEC_TEST"; 8.18: "#if DNSSEC_TEST || _FFR_NAMESERVER"
    _O("NameServer", None, "string", _8161, build="DNSSEC_TEST"),
    # true / false / always
    _O("DANE", None, "other", _8161, build="DANE", macro="confDANE", tls=True),
    _O("NameSearchList", None, "string", _8161, build="DNSSEC_TEST"),
    _O("Hacks", None, "int", _8161, build="_FFR_BLANKENV_MACV"),
    _O("KeepBcc", None, "bool", _8161, build="_FFR_KEEPBCC"),
    _O("ClientCACertFile", None, "path", _8161, build="_FFR_CLIENTCA", tls=True),
    _O("ClientCACertPath", None, "dir", _8161, build="_FFR_CLIENTCA", tls=True),
    # set by FEATURE(`check_cert_altnames')
    _O("SetCertAltnames", None, "bool", _8161, build="_FFR_TLS_ALTNAMES", tls=True),
    # always in the table; a true value needs USE_EAI (see NEEDS_FOR_EFFECT)
    _O("SmtpUTF8", None, "bool", _8171),
    # set by FEATURE(`sts')
    _O("StrictTransportSecurity", None, "bool", _8171, build="_FFR_MTA_STS", tls=True),
    # MTA_HAVE_TLSv1_3: STARTTLS with OpenSSL 1.1.1 or later
    _O("CipherSuites", None, "string", _8171, build="MTA_HAVE_TLSv1_3", tls=True),
)

# Options only HP's sendmail 8.13.3 for HP-UX accepts (vendor "hpux"); not part of the
# upstream OptionTab, so all_known() leaves them out.
HPUX_EXTRA: tuple[OptionSpec, ...] = (
    _O("UseTLS", None, "bool", (8, 13, 3), tls=True),
)

# Options that were in the table as "for future release" (FFR) code before they
# became standard (the "since" above): name -> (first release seen in the sources,
# the FFR define).  options_for() honours these for builds that set the define.
FFR_PREVIEW: dict[str, tuple[Version, str]] = {
    "RejectLogInterval": ((8, 12, 9), "_FFR_REJECT_LOG"),
    "RequiresDirfsync": ((8, 12, 9), "_FFR_REQ_DIR_FSYNC_OPT"),
    "SoftBounce": ((8, 12, 9), "_FFR_SOFT_BOUNCE"),
    "SharedMemoryKeyFile": ((8, 12, 9), "_FFR_SELECT_SHM"),
    "HeloName": ((8, 13, 4), "_FFR_HELONAME"),
    "CRLPath": ((8, 13, 4), "_FFR_CRLPATH"),
    "CipherList": ((8, 12, 0), "_FFR_TLS_1"),
    "ServerSSLOptions": ((8, 14, 4), "_FFR_TLS_1"),      # "#if STARTTLS && _FFR_TLS_1"
    "ClientSSLOptions": ((8, 14, 4), "_FFR_TLS_1"),
    "MaxQueueAge": ((8, 14, 4), "_FFR_EXPDELAY"),
}

# Options that are always in the table but do nothing (or only warn "Option: X
# requires ... support") unless the binary was built with the given condition.
NEEDS_FOR_EFFECT: dict[str, str] = {
    **{n: "STARTTLS" for n in (
        "ServerCertFile", "ServerKeyFile", "ClientCertFile", "ClientKeyFile", "CACertFile",
        "CACertPath", "DHParameters", "CertFingerprintAlgorithm", "CipherList", "RandFile",
        "TLSSrvOptions", "CRLFile", "CRLPath", "ServerSSLOptions", "ClientSSLOptions")},
    **{n: "SASL" for n in (
        "DefaultAuthInfo", "AuthMechanisms", "AuthRealm", "AuthOptions", "AuthMaxBits")},
    "LDAPDefaultSpec": "LDAPMAP",
    "InputMailFilters": "MILTER",
    "Milter": "MILTER",
    "SharedMemoryKey": "SM_CONF_SHM",
    "SharedMemoryKeyFile": "SM_CONF_SHM",
    "ResolverOptions": "NAMED_BIND",
    "EightBitMode": "MIME8TO7",
    "RequiresDirfsync": "REQUIRES_DIR_FSYNC",   # silently ignored otherwise
    "ConnectOnlyTo": "NETINET",                 # NETINET or NETINET6
    "NiceQueueRun": "HASNICE",
    "SmtpUTF8": "USE_EAI",                      # SmtpUTF8=true is a syserr without it
}

# One-letter name -> canonical long name, for the 8.13-8.18 OptionTab.  Letters not
# here (D, N, W, the other digits, ...) give "readcf: unknown option name 0x44".  The
# Solaris-only '>' (RemoteMode) is left out; 'g' and 'M' are in SHORT_NAMELESS.
SHORT_OPTIONS: dict[str, str] = {
    o.short: o.name for o in OPTIONS
    if o.short is not None and o.until is None and o.build is None
}

# Letters sendmail accepts that have no long name ("" in OptionTab).
SHORT_NAMELESS: dict[str, str] = {
    "g": "default group id (DefGid); normally given as DefaultUser=user:group",
    "M": "define a macro: OMx value",
}

# conf.c DontBlameSendmailValues[] (compared case-insensitively) -> first release.
DONT_BLAME_WORDS: dict[str, Version] = {
    "Safe": _89,
    "AssumeSafeChown": _89,
    "GroupWritableDirPathSafe": _89,
    "GroupWritableForwardFileSafe": _89,
    "GroupWritableIncludeFileSafe": _89,
    "GroupWritableAliasFile": _89,
    "WorldWritableAliasFile": _89,
    "ForwardFileInUnsafeDirPath": _89,
    "IncludeFileInUnsafeDirPath": _89,
    "MapInUnsafeDirPath": _89,
    "LinkedAliasFileInWritableDir": _89,
    "LinkedClassFileInWritableDir": _89,
    "LinkedForwardFileInWritableDir": _89,
    "LinkedIncludeFileInWritableDir": _89,
    "LinkedMapInWritableDir": _89,
    "LinkedServiceSwitchFileInWritableDir": _89,
    "FileDeliveryToHardLink": _89,
    "FileDeliveryToSymLink": _89,
    "WriteMapToHardLink": _89,
    "WriteMapToSymLink": _89,
    "WriteStatsToHardLink": _89,
    "WriteStatsToSymLink": _89,
    "ForwardFileInGroupWritableDirPath": _89,
    "IncludeFileInGroupWritableDirPath": _89,
    "ClassFileInUnsafeDirPath": _89,
    "ErrorHeaderInUnsafeDirPath": _89,
    "HelpFileInUnsafeDirPath": _89,
    "ForwardFileInUnsafeDirPathSafe": _89,
    "IncludeFileInUnsafeDirPathSafe": _89,
    "RunProgramInUnsafeDirPath": _89,
    "RunWritableProgram": _89,
    "NonRootSafeAddr": _810,
    "TrustStickyBit": _810,
    "DontWarnForwardFileInUnsafeDirPath": _810,
    "InsufficientEntropy": _811,
    "GroupReadableSASLDBFile": _812,
    "GroupWritableSASLDBFile": _812,
    "GroupWritableForwardFile": _812,
    "GroupWritableIncludeFile": _812,
    "WorldWritableForwardFile": _812,
    "WorldWritableIncludeFile": _812,
    "GroupReadableKeyFile": _812,
    "GroupReadableDefaultAuthInfoFile": _8151,
    "CertOwner": (8, 18, 1),
}

# readcf.c TimeOutTab[] (compared case-insensitively) -> first release.  "auth" and
# "starttls" are in the table of every build, but settimeout() rejects them ("invalid
# timeout") in a build without SASL / STARTTLS respectively.
TIMEOUT_NAMES: dict[str, Version] = {
    "initial": _87,
    "mail": _87,
    "rcpt": _87,
    "datainit": _87,
    "datablock": _87,
    "datafinal": _87,
    "command": _87,
    "rset": _87,
    "helo": _87,
    "quit": _87,
    "misc": _87,
    "ident": _87,
    "fileopen": _87,
    "connect": _87,
    "iconnect": _88,
    "queuewarn": _87,
    "queuewarn.*": _87,
    "queuewarn.normal": _87,
    "queuewarn.urgent": _87,
    "queuewarn.non-urgent": _87,
    "queuereturn": _87,
    "queuereturn.*": _87,
    "queuereturn.normal": _87,
    "queuereturn.urgent": _87,
    "queuereturn.non-urgent": _87,
    "hoststatus": _88,
    "resolver.retrans": _810,
    "resolver.retrans.normal": _810,
    "resolver.retrans.first": _810,
    "resolver.retry": _810,
    "resolver.retry.normal": _810,
    "resolver.retry.first": _810,
    "control": _810,
    "lhlo": _812,
    "auth": _812,
    "starttls": _812,
    "aconnect": _812,
    "queuewarn.dsn": _813,
    "queuereturn.dsn": _813,
}

# milter.c MilterOptTab[] (Milter.<x>, case-insensitive) -> first release.
MILTER_NAMES: dict[str, Version] = {
    "macros.connect": _812,
    "macros.helo": _812,
    "macros.envfrom": _812,
    "macros.envrcpt": _812,
    "macros.eom": _813,
    "macros.eoh": _814,
    "macros.data": _814,
    "LogLevel": _812,
}

# readcf.c SSL_Option[] as built against OpenSSL 3.0 headers (every name is #ifdef'd
# there; all 42 are defined by 3.0) -> the value in OpenSSL 3.0.  Names compare
# case-insensitively; a value may also be given as a number.  Those whose value is 0
# are accepted but do nothing.
SSL_OP_NAMES: dict[str, int] = {
    "SSL_OP_MICROSOFT_SESS_ID_BUG": 0x0,
    "SSL_OP_NETSCAPE_CHALLENGE_BUG": 0x0,
    "SSL_OP_LEGACY_SERVER_CONNECT": 0x4,
    "SSL_OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG": 0x0,
    "SSL_OP_SSLREF2_REUSE_CERT_TYPE_BUG": 0x0,
    "SSL_OP_MICROSOFT_BIG_SSLV3_BUFFER": 0x0,
    "SSL_OP_MSIE_SSLV2_RSA_PADDING": 0x0,
    "SSL_OP_SSLEAY_080_CLIENT_DH_BUG": 0x0,
    "SSL_OP_TLS_D5_BUG": 0x0,
    "SSL_OP_TLS_BLOCK_PADDING_BUG": 0x0,
    "SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS": 0x800,
    "SSL_OP_ALL": 0x80000850,
    "SSL_OP_NO_QUERY_MTU": 0x1000,
    "SSL_OP_COOKIE_EXCHANGE": 0x2000,
    "SSL_OP_NO_TICKET": 0x4000,
    "SSL_OP_CISCO_ANYCONNECT": 0x8000,
    "SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION": 0x10000,
    "SSL_OP_NO_COMPRESSION": 0x20000,
    "SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION": 0x40000,
    "SSL_OP_SINGLE_ECDH_USE": 0x0,
    "SSL_OP_SINGLE_DH_USE": 0x0,
    "SSL_OP_EPHEMERAL_RSA": 0x0,
    "SSL_OP_CIPHER_SERVER_PREFERENCE": 0x400000,
    "SSL_OP_TLS_ROLLBACK_BUG": 0x800000,
    "SSL_OP_NO_SSLv2": 0x0,
    "SSL_OP_NO_SSLv3": 0x2000000,
    "SSL_OP_NO_TLSv1": 0x4000000,
    "SSL_OP_NO_TLSv1_3": 0x20000000,
    "SSL_OP_NO_TLSv1_2": 0x8000000,
    "SSL_OP_NO_TLSv1_1": 0x10000000,
    "SSL_OP_PKCS1_CHECK_1": 0x0,
    "SSL_OP_PKCS1_CHECK_2": 0x0,
    "SSL_OP_NETSCAPE_CA_DN_BUG": 0x0,
    "SSL_OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG": 0x0,
    "SSL_OP_CRYPTOPRO_TLSEXT_BUG": 0x80000000,
    "SSL_OP_TLSEXT_PADDING": 0x10,
    "SSL_OP_NO_RENEGOTIATION": 0x40000000,
    "SSL_OP_NO_ANTI_REPLAY": 0x1000000,
    "SSL_OP_ALLOW_NO_DHE_KEX": 0x400,
    "SSL_OP_NO_ENCRYPT_THEN_MAC": 0x80000,
    "SSL_OP_ENABLE_MIDDLEBOX_COMPAT": 0x100000,
    "SSL_OP_PRIORITIZE_CHACHA": 0x200000,
}

# The compile conditions true for Debian 12's sendmail 8.17.1.9, as printed by
# "sendmail-mta -d0.13 -bt" ("Compiled with", "OS Defines", "libsm Defines", "FFR
# Defines"; SASLv2 means SASL).  MTA_HAVE_TLSv1_3 is derived (STARTTLS with OpenSSL 3):
# the binary accepts CipherSuites.  Not set: DANE, _FFR_FIPSMODE, _FFR_CLIENTCA,
# DNSSEC_TEST, USE_EAI and the other FFRs.
DEBIAN_BUILD_FLAGS: frozenset[str] = frozenset({
    # Compiled with
    "DNSMAP", "IPV6_FULL", "LDAPMAP", "LDAP_NETWORK_TIMEOUT", "LDAP_REFERRALS", "LOG",
    "MAP_REGEX", "MATCHGECOS", "MILTER", "MIME7TO8", "MIME8TO7", "NAMED_BIND", "NETINET",
    "NETINET6", "NETUNIX", "NEWDB", "NIS", "NISPLUS", "PIPELINING", "SASL", "SASLv2",
    "SCANF", "SOCKETMAP", "STARTTLS", "TCPWRAPPERS", "TLS_EC", "TLS_VRFY_PER_CTX",
    "USERDB", "USE_LDAP_INIT", "XDEBUG",
    # OS and libsm defines that change what options do
    "HASURANDOMDEV", "HASNICE", "HASFCHOWN", "REQUIRES_DIR_FSYNC", "SM_CONF_SHM",
    "MTA_HAVE_TLSv1_3",
    # FFR defines
    "_FFR_BADRCPT_SHUTDOWN", "_FFR_MAIL_MACRO", "_FFR_MTA_STS", "_FFR_NO_PIPE",
    "_FFR_QUEUE_SCHED_DBG", "_FFR_REJECT_NUL_BYTE", "_FFR_RESET_MACRO_GLOBALS",
    "_FFR_RHS", "_FFR_SHM_STATUS", "_FFR_SKIP_DOMAINS", "_FFR_TLS_ALTNAMES",
})

# Build profiles by vendor name.
BUILD_PROFILES: dict[str, frozenset[str]] = {
    # a typical upstream Linux build: taken to be Debian's
    "upstream": DEBIAN_BUILD_FLAGS,
    "debian": DEBIAN_BUILD_FLAGS,
    # HP's sendmail 8.13.3 for HP-UX 11i: STARTTLS and milter; SASL as HP documents
    # SMTP AUTH for it (not checked against a binary); no /dev/urandom
    # (no HASURANDOMDEV), so STARTTLS there wants RandFile.
    "hpux": frozenset({"STARTTLS", "SASL", "MILTER", "NAMED_BIND", "MIME8TO7", "NETINET"}),
}


def _norm(v: Version) -> Version:
    """(8, 13) -> (8, 13, 0, 0): tuples of different length compare as releases."""
    return tuple(v) + (0,) * (4 - len(v)) if len(v) < 4 else tuple(v)


def _in_release(spec: OptionSpec, v: Version) -> bool:
    return _norm(spec.since) <= v and (spec.until is None or v < _norm(spec.until))


def options_for(version: Version, build_flags: frozenset[str],
                vendor: str = "upstream") -> dict[str, OptionSpec]:
    """lowercased name -> spec of every option that exists in that version and build."""
    v = _norm(version)
    out: dict[str, OptionSpec] = {}
    for spec in OPTIONS:
        if _in_release(spec, v):
            if spec.build is not None and spec.build not in build_flags:
                continue
        else:
            pre = FFR_PREVIEW.get(spec.name)
            if pre is None or not (_norm(pre[0]) <= v < _norm(spec.since)) \
                    or pre[1] not in build_flags:
                continue
        out[spec.name.lower()] = spec
    if vendor == "hpux":
        for spec in HPUX_EXTRA:
            if _in_release(spec, v):
                out[spec.name.lower()] = spec
    return out


def all_known() -> dict[str, OptionSpec]:
    """lowercased name -> spec over every version/build (used to tell 'not in target
    version' from 'unknown').  Vendor-only names (HPUX_EXTRA) are not included."""
    return _ALL_KNOWN.copy()


_ALL_KNOWN: dict[str, OptionSpec] = {o.name.lower(): o for o in OPTIONS}
