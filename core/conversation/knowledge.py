"""A small knowledge base for questions that are the same for everyone: how money is received and
withdrawn, switching method, fees, scams, who qualifies and how to apply (DOMAIN.md).

Each topic has a full text (SMS, chat: at most 3 SMS segments without diacritics) and a USSD
variant (at most 182 characters); the sentences live in the catalogs like every other."""
from __future__ import annotations

import logging

from core.i18n import N_also_ussd, Translator
from core.vietnamese_text import fold

logger = logging.getLogger(__name__)

# Checked in order: the first topic whose keyword occurs (as whole words, folded) wins.
METHOD_TOPICS = [
    ("scam", ("lua", "lua dao", "otp", "ma pin", "gia danh", "mao danh", "scam", "fraud")),
    ("fees", ("phi", "mat phi", "thu phi", "fee", "fees", "charge")),
    ("switch",
     ("doi cach", "doi sang", "doi hinh thuc", "chuyen sang", "thay doi cach", "switch", "change method")),
    ("ewallet",
     ("viettel", "vi dien tu", "vi viettel", "rut tien vi", "tien trong vi", "momo", "vnpt money",
      "e-wallet", "wallet")),
    ("post", ("buu dien", "vnpost", "buu cuc", "post office")),
    ("card", ("the atm", "the ngan hang", "atm", "ngan hang", "tai khoan", "tk", "card", "bank", "account")),
]
ELIGIBILITY_TOPICS = [
    ("apply", ("lam ho so", "ho so", "nop", "dang ky huong", "to khai", "thu tuc", "apply", "application")),
    ("children", ("tre", "tre em", "tre con", "mo coi", "child", "children", "orphan")),
    ("disability", ("khuyet tat", "tan tat", "disabled", "disability")),
    ("elderly", ("tien gia", "cao tuoi", "nguoi gia", "huu tri", "tuoi", "elderly", "pension", "old")),
]


def _has_any(folded: str, keywords: tuple[str, ...]) -> bool:
    padded = f" {folded} "
    return any(f" {keyword} " in padded for keyword in keywords)


def topic_of(text: str, topics: list[tuple[str, tuple[str, ...]]], default: str = "overview") -> str:
    folded = " ".join(fold(text).replace("?", " ").replace(",", " ").replace(".", " ").split())
    return next((name for name, keywords in topics if _has_any(folded, keywords)), default)


# Each topic's sentence, written once: N_also_ussd puts it in the catalogs twice, as the full
# text and as its short USSD variant (context "ussd").
METHOD_TEXTS = {
    "overview": N_also_ussd(
        "There are 3 ways to receive the allowance: cash at the commune's paying point, a bank account, or "
        "an e-wallet such as Viettel Money. Receiving and withdrawing are free of charge. To switch, ask "
        "the commune officer."),
    "ewallet": N_also_ussd(
        "To withdraw from Viettel Money: bring your phone and citizen ID card to a Viettel shop or a "
        "Viettel Money agent near you. Confirm on your own phone; never read your OTP or PIN to anyone. "
        "Withdrawing the allowance is free of charge."),
    "card": N_also_ussd(
        "To withdraw with a bank card: put the card in an ATM, type your PIN yourself (cover the keypad) "
        "and choose Withdraw. Or bring the card and your citizen ID card to the bank counter. It is free of "
        "charge. Never give your card or PIN to anyone."),
    "post": N_also_ussd(
        "To receive money at the post office: bring your citizen ID card (and the authorisation paper if "
        "you collect for someone else) to the commune's post office. It is free of charge."),
    "switch": N_also_ussd(
        "To switch between cash, a bank account and an e-wallet, bring your citizen ID card to the People's "
        "Committee of your commune and fill in a request; the new way applies from the next payment."),
    "fees": N_also_ussd(
        "Receiving and withdrawing the allowance are free of charge. If anyone charges you a fee, tell the "
        "commune officer or call the hotline %(hotline)s."),
    "scam": N_also_ussd(
        "Beware of scams: the commune, the bank and AnSinh never ask for your OTP, PIN or password, and "
        "never ask you to pay to receive the allowance. Whoever asks is a scammer: hang up and call the "
        "hotline %(hotline)s."),
}


def method_guide(t: Translator, topic: str, hotline: str, short: bool) -> str:
    """How to receive, withdraw, switch; that it is free; never give an OTP or PIN."""
    return _guide(t, METHOD_TEXTS.get(topic, METHOD_TEXTS["overview"]), short, hotline=hotline)


ELIGIBILITY_TEXTS = {
    "overview": N_also_ussd(
        "Two programmes pay monthly: the social allowance (poor elderly without a carer, people aged 80 or "
        "more without a pension, people with severe disabilities, orphans and unsupported children) and the "
        "social pension (aged 75 or more without a pension, or 70 to 74 in poor or near-poor households). "
        "To apply, go to the People's Committee of your commune."),
    "elderly": N_also_ussd(
        "Elderly people qualify if aged 75 or more without a pension, or 70 to 74 in a poor or near-poor "
        "household (social pension); or poor with no one to care for them from age 60; or aged 80 or more "
        "without a pension. Apply at the People's Committee of your commune."),
    "disability": N_also_ussd(
        "People with severe or especially severe disabilities receive a monthly allowance; the coefficient "
        "is 1.5 to 2.5 depending on the degree and on age. The commune certifies the degree of disability. "
        "Apply at the People's Committee of your commune."),
    "children": N_also_ussd(
        "Children under 16 who are orphaned or have no one to support them, children with HIV in poor "
        "households, and young people aged 16 to 22 still studying with no support receive a monthly "
        "allowance. The guardian applies at the People's Committee of the commune."),
    "apply": N_also_ussd(
        "To apply: the person or a relative brings the declaration form and a citizen ID card to the "
        "People's Committee of the commune where they live. The commune officer checks the file and tells "
        "you the result."),
}


def eligibility_guide(t: Translator, topic: str, short: bool) -> str:
    """The two programmes, who qualifies (DOMAIN.md) and how to apply."""
    return _guide(t, ELIGIBILITY_TEXTS.get(topic, ELIGIBILITY_TEXTS["overview"]), short)


def _guide(t: Translator, msgid: str, short: bool, **values: str) -> str:
    """The full text, or on USSD its short variant; values only for the placeholders it has."""
    values = {name: value for name, value in values.items() if f"%({name})s" in msgid}
    return t.p_("ussd", msgid, **values) if short else t._(msgid, **values)
