"""I/O adapters: hashing, captcha, sessions, mail, uploads, pdf, excel, payment, certificates."""
