"""Questions the guides can't answer even when their words match: shopping for products.

"What's the best laptop to buy for an engineering student?" shares "laptop" and "student" with the
remote-work equipment section, yet it asks for a product recommendation, which is outside
work-integrated learning. Who supplies equipment to a student stays in scope.
"""

from __future__ import annotations

import re

from assistant.text_input import fold_casual

_PRODUCT = (
    r"laptops?|computers?|notebooks?|macbooks?|chromebooks?|pcs?|desktops?|phones?|smartphones?"
    r"|iphones?|tablets?|ipads?|monitors?|headphones|headsets?|keyboards?|printers?|cars?"
    r"|bikes?|backpacks?|calculators?|cameras?|gpus?|graphics cards?"
    r"|ordinateurs?|portables?|telephones?|cellulaires?|tablettes?|ecrans?|casques?|claviers?"
    r"|imprimantes?|voitures?|velos?|sacs? a dos|calculatrices?|cameras?"
)
# A recommendation of goods: "best laptop", "which phone should I buy", "meilleur ordinateur".
_RECOMMEND = re.compile(
    r"\b(?:best|better|good|great|cheapest|cheap|affordable|top|recommend\w*|suggest\w*"
    r"|which|what brand|what model|what kind of|meilleure?s?|bonne?s?|moins chere?s?|recommand\w*"
    r"|conseill\w*|suggere\w*|quelle marque|quel modele|quel|quelle)\b"
    rf".{{0,40}}\b(?:{_PRODUCT})\b",
)
_BUY = re.compile(r"\b(?:buy|buying|purchase|shop|shopping|acheter|achat|magasiner)\b")
# The price of goods: "how much is a laptop", "prix d'un ordinateur".
_PRICE = re.compile(
    rf"\b(?:how much (?:is|are|does|do|would|for) (?:a |an |the )?(?:new |good )?|price of (?:a |an |the )?"
    rf"|cost of (?:a |an |the )?|prix d[u'e] ?(?:un |une |les? )?|combien coute (?:un |une )?)"
    rf"(?:{_PRODUCT})\b"
)
# The employer's side of equipment is in scope: who supplies, pays for or owns it.
_EMPLOYER_SIDE = re.compile(
    r"\b(?:provide|supply|supplies|lend|loan|reimburse|policy|who pays|who owns|return"
    r"|fournir|fournit|preter|rembourser|politique|qui paie|qui paye)\b"
)


def is_shopping(text: str) -> bool:
    """True when the question asks which product to buy or what goods cost, not about WIL."""
    folded = fold_casual(text)
    if _EMPLOYER_SIDE.search(folded):
        return False
    if _PRICE.search(folded):
        return True
    return bool(_RECOMMEND.search(folded)) and (
        bool(_BUY.search(folded)) or bool(re.search(r"\b(?:best|meilleure?s?)\b", folded))
    )
