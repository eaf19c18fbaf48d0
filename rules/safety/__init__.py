"""File safety (CF5xx), the MSP recipe (CF6xx) and CF011: sendmail's safefile() rules for
every TLS file, judged for every identity that reads it. One module per rule; what they
share (the safefile() verdicts and the SafefileRule mixin) is in common.py."""
