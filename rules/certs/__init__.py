"""Certificates (CF3xx): what OpenSSL refuses at load, and what peers will refuse. One
module per rule; what they share (the pairs' leaf certificates, the CA side, wording) is in
common.py."""
