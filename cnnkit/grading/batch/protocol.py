"""The messages between the judge and a runner, and how they travel.

Each message is one JSON object, framed by its length (4 bytes, big-endian) so that no text a
learner prints can split or join messages. The judge sends *orders* and reads *answers*; each
order has exactly one answer, of the one schema listed for it, and the judge waits for it
until an absolute deadline that nothing the runner sends can move::

    runner: {"ready": true}                                  once, after its imports
    judge:  {"op": "load", "notebook": name, "text": the notebook's JSON text}
    runner: {"loaded": [names of the functions found]}  or  {"load_failed": message}
    judge:  {"op": "begin", "exercise": name, "seconds": s}  (no answer: arms the time limit)
    judge:  {"op": "call", "id": n, "request": request}      (see cnnkit.grading.learner)
    runner: {"id": n, "reply": reply}
    judge:  {"op": "end"}
    runner: {"printed": characters printed since "begin"}

Anything else, a malformed frame, or a message past :data:`MAX_MESSAGE_BYTES` is a
:class:`ProtocolError` that names the cause; the judge then ends the runner.
"""

from __future__ import annotations

import json
import os
import select
import time
from typing import Any

#: The largest message either side accepts.
MAX_MESSAGE_BYTES = 256 * 2**20
#: The largest answer the judge reads: it stops at the announced size, before reading or
#: decoding any of it (a runner answers a larger value with an "unplain" reply instead).
MAX_ANSWER_BYTES = 64 * 2**20
_HEADER = 4


class ProtocolError(Exception):
    """A message broke the protocol; the message says how."""


class RunnerGone(Exception):
    """The runner closed its end (it ended or was killed) before answering."""


class AnswerLate(Exception):
    """No answer came before the deadline."""


def send(fd: int, message: dict) -> None:
    """Write one message to ``fd``."""
    data = encoded(message)
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"a message of {len(data)} bytes is larger than the {MAX_MESSAGE_BYTES} allowed.")
    data = len(data).to_bytes(_HEADER, "big") + data
    while data:
        data = data[os.write(fd, data):]


def _read_exactly(fd: int, count: int, deadline: float | None) -> bytes:
    chunks, left = [], count
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise AnswerLate()
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise RunnerGone()
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def encoded(message: dict) -> bytes:
    """The bytes :func:`send` writes for ``message``, without its header."""
    return json.dumps(message, allow_nan=False, separators=(",", ":")).encode("utf-8")


def receive(fd: int, deadline: float | None = None, limit: int = MAX_MESSAGE_BYTES) -> dict:
    """Read one message of at most ``limit`` bytes from ``fd``; ``deadline`` is a
    ``time.monotonic()`` time (None: wait)."""
    size = int.from_bytes(_read_exactly(fd, _HEADER, deadline), "big")
    if size > limit:
        raise ProtocolError(f"a message announced {size} bytes, more than the {limit} allowed.")
    try:
        message = json.loads(_read_exactly(fd, size, deadline).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError(f"a message is not JSON ({type(error).__name__}).") from None
    if type(message) is not dict:
        raise ProtocolError("a message is not a JSON object.")
    return message


def expect(message: dict, schema: dict[str, type]) -> dict:
    """``message`` if it has exactly the keys of ``schema``, each of its type; else ProtocolError."""
    if set(message) != set(schema) or not all(type(message[key]) is kind for key, kind in schema.items()):
        keys = ", ".join(sorted(map(str, message)))[:100]
        raise ProtocolError(f"expected a message with {sorted(schema)}, got one with [{keys}].")
    return message


def expect_one_of(message: dict, *schemas: dict[str, type]) -> dict:
    """``message`` if it matches one of ``schemas`` (see :func:`expect`)."""
    for schema in schemas:
        try:
            return expect(message, schema)
        except ProtocolError:
            continue
    keys = ", ".join(sorted(map(str, message)))[:100]
    raise ProtocolError(f"expected one of {[sorted(s) for s in schemas]}, got a message with [{keys}].")


READY = {"ready": bool}
LOADED = {"loaded": list}
LOAD_FAILED = {"load_failed": str}
ANSWER = {"id": int, "reply": dict}
PRINTED = {"printed": int}


def answer_to(message: dict, call_id: int) -> Any:
    """The reply of an answer to call ``call_id``."""
    answer = expect(message, ANSWER)
    if answer["id"] != call_id:
        raise ProtocolError(f"an answer to call {answer['id']} came while call {call_id} was waiting.")
    return answer["reply"]
