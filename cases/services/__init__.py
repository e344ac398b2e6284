"""Every write of the cases app, one module per area.

- registration: creating, submitting and routing registration cases
- documents: uploads and their verification (sesuai / tidak sesuai)
- portal: the LKS operator's own data (profile, board)
- certificates: numbering, signing and the life of the Tanda Registrasi
"""
