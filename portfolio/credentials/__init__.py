"""Open Badges 3.0 credentials (SPEC §12): issuer keys, `did:key`, `eddsa-rdfc-2022` proofs.

A block a worker can present to a jury is worth a proof the worker keeps and any Open Badges
wallet can check without asking us. The modules stand on the ground layer only:
`contexts` canonicalises JSON-LD offline (bundled contexts, never the network), `keys` creates
and keeps each association's Ed25519 key outside the workspace, `proof` signs and verifies.
They import pyld and cryptography: front ends import them only when a command needs them.
"""
