"""How strong STARTTLS is (CF104-CF108, CF111, CF112), and the HP-UX RandFile (CF109).

None of these switch STARTTLS off, except an unusable RandFile on a build without
/dev/urandom; the rest decide what a connection is worth. One module per rule; the two
cipher-list rules share cipher_list.py."""
