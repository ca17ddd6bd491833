"""A learned second opinion on the intent: a linear model over character n-grams of the normalised
tokens (the words the rules see), trained by `make nlu-model` (bench/nlu_train.py, scikit-learn)
and read here in pure Python, so that a web worker imports neither scikit-learn nor numpy.

The rules know what was written into them; the model generalises from every labelled message to
phrasings nobody wrote a rule for. core.nlu combines the two (core.nlu.combine).

The weights file keeps, per feature, one signed byte per intent (the weight times the feature's
idf, quantised) and its idf² in two bytes. At load each feature's bytes become one Python integer
in fixed-width lanes with an offset, so that reading a message is one C-level sum of a few hundred
big integers, unpacked once."""
from __future__ import annotations

import json
import logging
import math
import struct
import zlib
from itertools import pairwise
from operator import add
from pathlib import Path

logger = logging.getLogger(__name__)

WEIGHTS = Path(__file__).resolve().parent / "model" / "intent_model.bin"
# One unsigned 32-bit lane per intent plus one for idf²: room for 65,536 features of the largest
# idf² (≤ 65,535 each), and a message cut at 2,000 characters has about 8,000 at most.
LANE_BYTES = 4
OFFSET = 128  # a signed byte stored unsigned
IDF_SQUARED_SCALE = 500  # idf² is kept as an integer in units of 1/500


def features(tokens: tuple[str, ...]) -> set[str]:
    """Character 2–5-grams of the tokens joined by spaces (with a space at each end, so that word
    starts and ends show), and word pairs marked with "|". The trainer calls this very function."""
    text = " " + " ".join(tokens) + " "
    twos = list(map(add, text, text[1:]))  # each n-gram is an (n-1)-gram plus the next letter
    threes = list(map(add, twos, text[2:]))
    fours = list(map(add, threes, text[3:]))
    grams = set(twos)
    grams.update(threes, fours, map(add, fours, text[4:]))
    grams.update(a + "|" + b for a, b in pairwise(tokens))
    return grams


class Reading:
    """The model's decision values for one message; probabilities are worked out when asked for."""
    __slots__ = ("_values", "intent", "intents", "probability")

    def __init__(self, intents: tuple[str, ...], values: tuple[float, ...]):
        self.intents = intents
        self._values = values
        top = max(values)
        self.intent = intents[values.index(top)]
        self.probability = 1.0 / sum(math.exp(v - top) for v in values)  # softmax of the best

    @property
    def probabilities(self) -> dict[str, float]:
        top = max(self._values)
        exps = [math.exp(v - top) for v in self._values]
        total = sum(exps)
        return {intent: e / total for intent, e in zip(self.intents, exps)}


class IntentModel:
    def __init__(self, intents: tuple[str, ...], biases: tuple[float, ...], scale: float,
                 weights: dict[str, int]):
        self.intents = intents
        self.biases = biases
        self.scale = scale
        self.weights = weights
        self._lanes = len(intents) + 1
        self._unpack = struct.Struct(f"<{self._lanes}I").unpack

    def scores(self, tokens: tuple[str, ...]) -> tuple[float, ...]:
        """The linear model's decision values per intent (the biases alone for no known feature)."""
        found = list(filter(None, map(self.weights.get, features(tokens))))
        if not found:
            return self.biases
        lanes = self._unpack(sum(found).to_bytes(self._lanes * LANE_BYTES, "little"))
        factor = self.scale / math.sqrt(lanes[-1] / IDF_SQUARED_SCALE)
        shift = len(found) * OFFSET
        return tuple(b + (lane - shift) * factor for b, lane in zip(self.biases, lanes))

    def read(self, tokens: tuple[str, ...]) -> Reading:
        return Reading(self.intents, self.scores(tokens))


def load(path: Path = WEIGHTS) -> IntentModel | None:
    """The committed model, or None when the file is missing (the rules then decide alone)."""
    try:
        raw = zlib.decompress(path.read_bytes())
    except FileNotFoundError:
        logger.warning("nlu model %s missing: the rules decide alone", path)
        return None
    header_end = raw.index(b"\n")
    header = json.loads(raw[:header_end])
    intents = tuple(header["intents"])
    lanes = len(intents) + 1
    names_end = header_end + 1 + header["names_bytes"]
    names = raw[header_end + 1:names_end].decode("utf-8").split("\n")
    body = raw[names_end:]
    # body: per feature, one unsigned byte per intent (q + OFFSET), then idf² as two bytes
    row = len(intents) + 2
    packed = bytearray(len(names) * lanes * LANE_BYTES)
    for lane in range(len(intents)):
        packed[lane * LANE_BYTES::lanes * LANE_BYTES] = body[lane::row]
    idf_at = len(intents) * LANE_BYTES
    packed[idf_at::lanes * LANE_BYTES] = body[len(intents)::row]
    packed[idf_at + 1::lanes * LANE_BYTES] = body[len(intents) + 1::row]
    width = lanes * LANE_BYTES
    weights = {name: int.from_bytes(packed[i * width:(i + 1) * width], "little")
               for i, name in enumerate(names)}
    return IntentModel(intents, tuple(header["biases"]), header["scale"], weights)


def read_checks(path: Path = WEIGHTS) -> list[dict]:
    """The messages the trainer stored with its own decision, for the test that the two agree."""
    raw = zlib.decompress(path.read_bytes())
    return json.loads(raw[:raw.index(b"\n")])["checks"]
