"""Signed notes, checkpoints and cosignatures against the C2SP specifications' own examples."""

from __future__ import annotations

import base64

import pytest

from zhizheng.ledger import note

# golang.org/x/mod/sumdb/note (the reference implementation of c2sp.org/signed-note) documents this key pair and note.
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_NOTE = (
    PETER_TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
# c2sp.org/signed-note, section "Note": a text with an empty line inside it.
QUASIMODO_NOTE = (
    "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n"
    "— quasimodo.example/salvatore "
    "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n"
)
# c2sp.org/tlog-cosignature, section "Transparency Log Cosignatures": a checkpoint with a log signature and a witness
# cosignature whose signed message has "time 1679315147".
SOFA_NOTE = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)


def test_signing_with_the_reference_key_reproduces_the_reference_note_byte_for_byte() -> None:
    signer = note.Signer.from_skey(PETER_SKEY)
    assert signer.skey == PETER_SKEY
    assert signer.verifier.vkey == PETER_VKEY
    assert signer.key_id.hex() == "c74f20a3"
    assert note.sign_note(PETER_TEXT, [signer]) == PETER_NOTE


def test_the_reference_note_verifies_and_any_change_breaks_it() -> None:
    verifier = note.Verifier.from_vkey(PETER_VKEY)
    opened = note.open_note(PETER_NOTE, [verifier])
    assert opened.text == PETER_TEXT
    assert [s.name for s in opened.verified] == ["PeterNeumann"]
    with pytest.raises(note.VerificationError, match="does not verify"):
        note.open_note(PETER_NOTE.replace("cryptography", "cryptographY"), [verifier])


def test_every_mangling_of_the_reference_verifier_key_is_refused() -> None:
    raw = PETER_VKEY.encode()
    accepted = []
    for i in range(len(raw) + 1):
        for j in range(i + 1, len(raw) + 1):
            if (i, j) != (0, len(raw)):
                try:
                    note.Verifier.from_vkey(raw[i:j].decode())
                    accepted.append(raw[i:j])
                except note.NoteError:
                    pass
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] += 1
        try:
            note.Verifier.from_vkey(changed.decode())
            accepted.append(bytes(changed))
        except note.NoteError:
            pass
    assert accepted == []
    with pytest.raises(note.NoteError, match="32 bytes"):
        note.Verifier.from_vkey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(note.NoteError, match="unsupported signature type"):
        note.Verifier.from_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_the_signed_note_spec_example_parses_with_the_text_split_at_the_last_blank_line() -> None:
    parsed = note.parse_note(QUASIMODO_NOTE)
    assert parsed.text == "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"
    (signature,) = parsed.signatures
    assert signature.name == "quasimodo.example/salvatore"
    assert len(signature.signature) == 64
    assert parsed.render() == QUASIMODO_NOTE
    with pytest.raises(note.VerificationError, match="no signature from a trusted key"):
        note.open_note(QUASIMODO_NOTE, [note.Verifier.from_vkey(PETER_VKEY)])


def test_the_cosignature_spec_example_parses_as_a_checkpoint_with_a_timestamped_witness_signature() -> None:
    parsed = note.parse_note(SOFA_NOTE)
    checkpoint = note.parse_checkpoint(parsed.text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert base64.b64encode(checkpoint.root_hash).decode() == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    assert checkpoint.text == parsed.text
    log, witness = parsed.signatures
    assert (log.name, len(log.signature)) == ("example.com/behind-the-sofa", 64)
    assert (witness.name, witness.key_id.hex(), len(witness.signature)) == ("witness.example.com/w1", "8d66cf3f", 72)
    assert witness.timestamp == 1679315147
    assert note.cosignature_message(parsed.text, witness.timestamp) == (
        b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


def test_a_cosignature_round_trip_uses_key_type_4_and_the_timestamp() -> None:
    log = note.Signer.generate("log.example/a")
    witness = note.Signer.generate("witness.example/w", note.SIG_COSIGNATURE_V1)
    assert witness.verifier.vkey.split("+")[2].startswith(base64.b64encode(b"\x04").decode()[:1])
    assert witness.key_id == note.compute_key_id("witness.example/w", 0x04, witness.verifier.public_key)
    text = note.Checkpoint("log.example/a", 5, b"\x07" * 32).text
    signed = note.sign_note(text, [log]) + witness.signature_line(text, timestamp=1_700_000_000)
    opened = note.open_note(signed, [log.verifier, witness.verifier])
    assert [s.name for s in opened.verified] == ["log.example/a", "witness.example/w"]
    assert opened.verified[1].timestamp == 1_700_000_000
    # The same key bytes under type 0x01 have another key id, so the cosignature is simply an unknown signature.
    as_note_key = note.Signer.from_seed("witness.example/w", witness.seed)
    assert as_note_key.key_id != witness.key_id
    # Claiming another time breaks the signature: the timestamp is part of the signed message.
    cosig = opened.verified[1]
    moved = note.Signature(cosig.name, cosig.key_id, (1_700_000_001).to_bytes(8, "big") + cosig.signature[8:])
    tampered = note.sign_note(text, [log]) + moved.line
    with pytest.raises(note.VerificationError, match=r"witness\.example/w"):
        note.open_note(tampered, [log.verifier, witness.verifier])


def test_unknown_signatures_are_ignored_but_a_bad_known_one_rejects_the_note() -> None:
    good = note.Signer.generate("log.example/a")
    other = note.Signer.generate("log.example/b")
    signed = note.sign_note("hello\n", [other, good])
    opened = note.open_note(signed, [good.verifier])
    assert [s.name for s in opened.verified] == ["log.example/a"]
    assert [s.name for s in opened.unverified] == ["log.example/b"]
    blob = base64.b64encode(good.key_id + other.sign(b"hello\n")).decode()
    forged = f"hello\n\n— log.example/a {blob}\n"
    with pytest.raises(note.VerificationError, match="does not verify"):
        note.open_note(forged, [good.verifier])


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("no blank line\n— a AAAAAAAA\n", "blank line"),
        ("text\n\n", "signature lines"),
        ("text\n\n— a AAAAAAAA", "signature lines"),
        ("text\n\n- a AAAAAAAA\n", "em dash"),
        ("text\n\n— a+b AAAAAAAA\n", "malformed signature"),
        ("text\n\n— a AAAA\n", "malformed signature"),
        ("text\n\n— a not-base64!\n", "base64"),
        ("te\txt\n\n— a AAAAAAAA\n", "control characters"),
    ],
)
def test_malformed_notes_are_refused(message: str, reason: str) -> None:
    with pytest.raises(note.NoteError, match=reason):
        note.parse_note(message)


def test_too_many_signatures_are_refused() -> None:
    line = "— a " + base64.b64encode(b"\x00" * 68).decode() + "\n"
    with pytest.raises(note.NoteError, match="at most 100"):
        note.parse_note("text\n\n" + line * 101)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("origin\n5\n", "at least three lines"),
        ("\n5\n" + "A" * 43 + "=\n", "origin line is empty"),
        ("origin\n05\n" + base64.b64encode(b"x" * 32).decode() + "\n", "leading zeros"),
        ("origin\n-5\n" + base64.b64encode(b"x" * 32).decode() + "\n", "decimal"),
        ("origin\n5\n" + base64.b64encode(b"x" * 31).decode() + "\n", "32 bytes"),
        ("origin\n5\n" + base64.b64encode(b"x" * 32).decode() + "\n\n", "must not be empty"),
        ("origin\n5\n" + base64.b64encode(b"x" * 32).decode(), "end with a newline"),
    ],
)
def test_malformed_checkpoints_are_refused(text: str, reason: str) -> None:
    with pytest.raises(note.NoteError, match=reason):
        note.parse_checkpoint(text)


def test_open_checkpoint_checks_the_origin() -> None:
    signer = note.Signer.generate("log.example/a")
    signed = note.sign_note(note.Checkpoint("log.example/a", 0, b"\x00" * 32).text, [signer])
    checkpoint, _ = note.open_checkpoint(signed, [signer.verifier], origin="log.example/a")
    assert checkpoint.size == 0
    with pytest.raises(note.VerificationError, match=r"not 'log\.example/b'"):
        note.open_checkpoint(signed, [signer.verifier], origin="log.example/b")
