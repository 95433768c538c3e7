"""The printing toolkit: templates to files a person can open — PDF (WeasyPrint), DOCX
forms (docxtpl), QR codes (segno). It knows no domain: every app that prints passes its own
template and context. Modules: `pdf`, `office` (DOCX), `qr`."""
