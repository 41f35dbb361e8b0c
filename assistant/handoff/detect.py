"""Decide when a person should be handed to a human liaison, and why.

Rules, not a model: every decision can be explained and tested, and it works offline.
Order of precedence (the first that matches wins): safety, harassment, discrimination,
accommodation, complaint, requested, frustrated, declined_twice.

Sensitive topics fire only when the person speaks about their own situation (first person:
"I", "my", "we", "je", "mon", "nous"...). A question about a topic in general ("what is the
harassment policy?", "how do accommodations work for co-op students in general?") does not
fire: the knowledge base answers it, and the person can still ask for someone. Once they say
"I need an accommodation", it fires. Situations described without naming the topic ("I use a
wheelchair and the office has no ramp", "je n'ai pas ete paye depuis 3 semaines") are matched by
detect_indirect.py under the same first-person gate; more phrasing families (booking a call, slang
hand-overs, advances after a refusal, conditional threats, hazards with pressure to carry on, "the
third time I ask") are in detect_cues.py.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence

from assistant.handoff.detect_cues import (
    ABUSE_FR,
    ADVANCES,
    ADVANCES_AGGRAVATED,
    BARE_REQUEST_MORE,
    COERCION,
    FRUSTRATION_CUES,
    GRIEVANCE,
    HAZARD,
    HAZARD_PRESENT,
    HAZARD_PRESSURE,
    HYPOTHETICAL,
    HYPOTHETICAL_REPORT,
    IN_PERSON,
    MISGENDERING,
    MISSING_PROTECTION,
    REASK_MARKER,
    REQUEST_CUES,
    THIRD_PARTY_CONTACT,
)
from assistant.handoff.detect_generic import (
    GENERIC_ACCOMMODATION,
    GENERIC_DISCRIMINATION,
    GENERIC_FRUSTRATED,
    GENERIC_HARASSMENT,
    GENERIC_REQUEST,
    GENERIC_SAFETY,
    THIRD_PARTY,
    expand_shorthand,
)
from assistant.handoff.detect_indirect import (
    ABUSE,
    ACCESS_NEED,
    ADVERSE_MORE,
    BECAUSE_TRAIT,
    BOT_CONTRAST,
    COMPLAIN,
    CONTACT_ACT,
    DANGER,
    DENIED,
    DISCOMFORT,
    FRUSTRATED_MORE,
    HOST_STUDENT,
    REQUEST_MORE,
    SINGLED_OUT,
    THIRD_PERSON_UNWANTED,
    UNPAID,
    UNWANTED,
)

logger = logging.getLogger(__name__)

REASONS = (
    "safety",
    "harassment",
    "discrimination",
    "accommodation",
    "complaint",
    "requested",
    "frustrated",
    "declined_twice",
)
SENSITIVE = frozenset({"safety", "harassment", "discrimination", "accommodation", "complaint"})


def normalise(text: str) -> str:
    """Return lower-case text without accents, with straight apostrophes and single spaces."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip()


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Who a person might ask for (EN/FR, accents removed).
_HUMAN_EN = (
    r"(?:(?:a|an|the|some|real|actual|live|human) ){0,3}(?:human(?: being| agent)?|person|people|someone|"
    r"somebody|anyone|anybody|agent|representative|rep|operator|staff(?: member)?|liaison|coordinator|"
    r"advis[eo]r|counsell?or|member of (?:the |your )?(?:staff|team|secretariat)|real one)"
)
_HUMAN_FR = (
    r"(?:(?:un|une|le|la|des) )?(?:(?:vrai|vraie|veritable) )?(?:quelqu'un|etre humain|humain|humaine|personne|"
    r"personne reelle|agent|agente|conseiller|conseillere|responsable|membre|employe|employee|"
    r"intervenant|intervenante|personne-ressource)\b"
)

_REQUESTED = _rx(
    # "talk to a human", "can I speak with someone", "I'd like to chat with an advisor"
    rf"\b(?:talk|speak|chat|get in touch|be in touch)(?: directly)? (?:to|with) {_HUMAN_EN}\b",
    rf"\b{_HUMAN_EN} (?:i|we) (?:can|could|may) (?:talk|speak|chat) (?:to|with)\b",
    # "connect me with someone", "put me through to someone", "patch us straight through to an advisor"
    rf"\b(?:connect|put|pass|forward|send|refer|direct|patch|transfer|get) (?:me|us|this|my (?:question|case|request))"
    rf" (?:(?:directly|straight|right|just) )?(?:(?:through|over|across|along) )?(?:to|with) {_HUMAN_EN}\b",
    r"\b(?:transfer|escalate) (?:me|this|my (?:question|case|request))\b",
    rf"\b(?:i want|i need|i'd like|i would like|give me|get me|can i have|can i get|may i have)"
    rf" {_HUMAN_EN}\b",
    r"\b(?:real|actual|live|human) (?:person|human|agent|being|support|coordinator|advis[eo]r|liaison|"
    r"staff|representative|counsell?or|people)\b(?! person)",  # "a real people person" is a trait
    r"\bhuman (?:please|pls|plz|now)\b",
    r"\b(?:is there|are there|am i talking to|am i speaking (?:to|with)|are you) (?:a |an )?"
    r"(?:human|real person|actual person|live person)\b",
    r"\b(?:can|could|would) (?:someone|somebody|a person|a human|a liaison|you|one of you)"
    r" (?:please )?(?:call|phone|contact|email|reach) (?:me|us)\b",
    r"\b(?:call|phone) (?:me|us) back\b",
    # French
    rf"\b(?:parler|discuter|echanger|clavarder|communiquer) (?:directement )?(?:a|avec) {_HUMAN_FR}",
    r"\b(?:un|une) (?:etre )?(?:humain|humaine|vraie? personne|personne reelle)\b",
    r"\b(?:je veux|je voudrais|j'aimerais|je souhaite|je souhaiterais|puis-je avoir|est-ce que je peux avoir)"
    r" (?:un |une )?(?:agent|conseiller|conseillere|humain|personne)\b",
    r"\b(?:me mettre|mettez-moi|me transferer|transferez-moi|me rediriger)"
    r" (?:en (?:contact|relation|lien) )?(?:avec|a|vers) ",
    r"\b(?:me mettre|mettez-moi) en (?:contact|relation)\b",
    r"\b(?:pouvez-vous|pourriez-vous|peux-tu|pourrais-tu|quelqu'un peut|quelqu'un pourrait|on peut|on pourrait)"
    r" me (?:contacter|rappeler|appeler|joindre|telephoner)\b",
    r"\bme rappeler\b|\betre rappelee?\b",
    # Imperative callback: "rappelez-moi svp", "recontactez moi", "appelez-moi au 587 555 0142"
    # (not "vous pouvez me joindre au ...", which only gives a number, nor "appelez-moi Sam").
    r"\b(?:rappelez|rappelle|rappele|recontactez|recontacte|contactez|telephonez)[- ]?(?:moi|nous)\b"
    r"(?! (?:que|qu'|de|d')\b)",
    r"\b(?:appelez|appelle|texte|textez|ecrivez|joignez)[- ]?(?:moi|nous)\b(?: (?:svp|stp|s'il vous plait|"
    r"s'il te plait|vite|des que possible|au plus vite))*(?: (?:au|a|sur le))? \(?\+?\d",
    r"\b(?:call|phone|ring|text) (?:me|us)(?: back)?(?: (?:please|asap|today|now))*(?: (?:at|on))? \(?\+?\d",
    r"\bgive (?:me|us) a (?:call|ring)(?: back)?\b",
    rf"\b(?:passez-moi|passe-moi|donnez-moi|trouvez-moi) {_HUMAN_FR}",
    # A contact verb shortly before someone to contact: "message a real person", "deal with a staff member".
    rf"\b(?:talk|speak|chat|message|deal|discuss this|text|email|meet)(?: directly)? (?:with |to )?"
    rf"(?:[a-z']+ ){{0,3}}{_HUMAN_EN}\b(?! (?:who|that) )",
    # Someone, then that the person can reach them: "someone real I can message".
    rf"\b{_HUMAN_EN}(?: [a-z']+){{0,3}} (?:i|we) (?:can|could|may) (?:talk|speak|chat|message|call|email|write)\b",
    # Someone, then that they should reach the person: "have a coordinator email me".
    rf"\b{_HUMAN_EN}(?: [a-z']+){{0,2}} (?:email|call|phone|contact|write|text|reach|get back to) (?:me|us)\b",
    rf"\b{_HUMAN_FR}(?: [a-z'-]+){{0,4}} (?:je|j'|nous|on) ?(?:peux|pourrais|pouvons|peut|pourrait) "
    rf"(?:parler|discuter|echanger|ecrire|appeler|joindre|contacter|telephoner|rejoindre)\b",
    # Someone, then reaching the person, in any form: "un conseiller peut-il me rappeler",
    # "j'aimerais qu'une conseillere me rappelle".
    rf"\b{_HUMAN_FR}(?: [a-z'-]+){{0,4}} (?:m'|me |nous )(?:ecrire|ecrive|contacter|contacte|rappeler|rappelle|"
    rf"appeler|appelle|joindre|joigne|repondre|reponde|telephoner|telephone)\b(?! (?:que|qu'|de|d')\b)",
)
# A message that is just a request word ("agent", "human please", "un humain svp").
_BARE_REQUEST = re.compile(
    r"^(?:an? |un |une |le |la )?(?:human|agent|person|representative|operator|liaison|humain|"
    r"conseiller|conseillere|personne|real person|live agent|vraie personne|quelqu'un)"
    r"(?: (?:please|pls|plz|now|svp|s'il vous plait|s'il te plait|stp|merci))*$"
)
_NEGATED_REQUEST = _rx(
    r"\b(?:don't|do not|dont|no need to|not) (?:want|need|wish)? ?(?:to )?(?:talk|speak|chat)\b",
    r"\bno need (?:for|of) (?:a |an )?(?:human|person|agent)\b",
    r"\b(?:ne veux pas|ne veut pas|pas besoin de|n'ai pas besoin de|ne souhaite pas) (?:de )?parler\b",
    r"\b(?:what|how) (?:does|do|is|are) (?:an? |the )?(?:agent|liaison)s? (?:do|mean|work)\b",
)
# A question about talking to someone elsewhere ("should I talk to my advisor?") is not a request.
_ADVICE_QUESTION = re.compile(
    r"^(?:should|do|does|did|would|when|why|who should|est-ce que je devrais|devrais-je|dois-je|"
    r"faut-il|qui devrait|quand)\b"
)

_FIRST_PERSON = re.compile(
    r"\b(?:i|i'm|im|i've|i'd|i'll|me|my|mine|myself|we|we're|we've|our|ours|us|"
    r"je|j'[a-z]+|moi|mon|ma|mes|me|m'[a-z]+|nous|notre|nos)\b"
)
# "What is ...", "How do ... work in general": a question about a topic, not a situation.
_GENERAL_QUESTION = _rx(
    r"^(?:what|what's|whats) (?:is|are|counts as|does|do|kind|types?|happens|should an?)\b",
    r"^(?:how|comment) (?:do|does|are|is|fonctionnent?|marchent?|se passent?)\b.*\b(?:work|in general|generally|"
    r"en general|generalement|fonctionnent?)\b",
    r"\bin general\b|\ben general\b|\bgenerally\b|\bgeneralement\b",
    r"^(?:qu'est-ce que|qu'est-ce qu'|c'est quoi|quelle est|quelles sont|quel est|quels sont)\b",
    r"^(?:is there|are there|does the|do employers|do students|y a-t-il|existe-t-il)\b",
    r"\b(?:policy|policies|politique|politiques) (?:on|about|for|sur|concernant|en matiere de)\b",
)

_RULE_WORDS = re.compile(
    r"\b(?:policy|policies|politique|politiques|definition|law|laws|loi|lois|rules?|regles?|"
    r"process|processus|procedure|meaning|signifie|means?)\b|\?\s*$"
)
SHORT_TOKENS = 4

_SAFETY = _rx(
    r"\b(?:don't|do not|dont|doesn't|does not|no longer|never|not) (?:really )?feel (?:safe|secure)\b",
    r"\b(?:not|isn't|is not|unsafe|dangerous) (?:safe )?(?:at|in) (?:my|our|the) (?:placement|workplace|work|job|site|office)\b",
    r"\b(?:unsafe|dangerous) (?:work(?:place|site)?|conditions?|situation|environment|equipment)\b",
    r"\b(?:i'm|i am|we're|we are|i feel) (?:in danger|scared|afraid|threatened|unsafe|frightened)\b",
    r"\b(?:threaten(?:ed|s|ing)?|assault(?:ed)?|attacked|hit me|hurt me|injured|got hurt|punched|grabbed me)\b",
    r"\b(?:afraid|scared|frightened) of (?:my|the|our) (?:supervisor|boss|manager|employer|coworker|co-worker|colleague)\b",
    r"\b(?:kill myself|suicid\w*|self-harm|hurt myself|end my life)\b",
    r"\bpas (?:en )?securite\b|\ben danger\b|\bdangereu(?:x|se)\b",
    r"\b(?:menace|menacee?|menaces|agresse|agressee?|agression|blesse|blessee|frappe)\b",
    r"\b(?:j'ai peur|peur de mon|peur de ma)\b",
    r"\b(?:me suicider|suicide|me faire du mal|en finir)\b",
)
_HARASSMENT = _rx(
    r"\bharass\w*\b|\bbull(?:y|ied|ying)\b|\bintimidat\w*\b|\bstalk\w*\b",
    r"\b(?:keeps?|kept|always|constantly) (?:making|saying|telling|texting|touching|calling|yelling|commenting)\b"
    r"(?! (?:us|them|him|her) about)",
    r"\b(?:comments?|jokes?|remarks?) about my (?:accent|body|appearance|looks|clothes|race|religion|hijab|"
    r"skin|weight|age|gender|sexuality|name)\b",
    r"\b(?:inappropriate|sexual|creepy|unwanted|offensive|racist|sexist|degrading) "
    r"(?:comments?|jokes?|remarks?|messages?|texts?|advances?|touching|behaviou?r|photos?)\b",
    r"\b(?:touch(?:ed|es|ing)? me|hits? on me|hitting on me|yell(?:s|ed|ing)? at me|screams? at me|"
    r"humiliat\w+ me|insult\w* me)\b",
    r"\bharcel\w*\b|\bintimid\w*\b|\battouchement\w*\b",
    r"\b(?:commentaires?|blagues?|remarques?) (?:deplace\w*|sexuel\w*|racist\w*|sexist\w*|inappropri\w*|"
    r"sur mon (?:accent|corps|physique|apparence|poids|age|voile)|sur ma (?:religion|couleur|tenue))\b",
    r"\b(?:me touche|m'a touchee?|me crie dessus|m'insulte|m'humilie|me drague)\b",
    r"\b(?:messages?|textos?|courriels?|photos?|gestes?|avances?|propos) (?:deplace\w*|inappropri\w*|"
    r"sexuel\w*|obscene\w*|insistant\w*|racist\w*|sexist\w*)\b",
    r"\b(?:se moqu\w*|rient|riait) (?:de (?:mon|ma|mes|moi)|de nous)\b",
    r"\b(?:makes? fun of|mocks?|mocking|laughs? at|laughing at) (?:me|my|us|our)\b",
)
_DISCRIMINATION = _rx(
    r"\bdiscriminat\w*\b|\bracis[mt]\w*\b|\bsexis[mt]\w*\b|\bhomophob\w*\b|\btransphob\w*\b|\bablei?s[mt]\w*\b",
    r"\b(?:because|since) (?:of )?(?:i'm|i am|my) (?:a |an )?(?:accent|race|religion|gender|age|disability|"
    r"skin|hijab|pregnan\w*|ethnicity|origin|nationality|black|muslim|woman|trans|gay|international|immigrant)\b",
    r"\b(?:treated|paid|judged) (?:me )?(?:differently|unfairly|less)\b",
    r"\bbecause (?:of )?(?:i|i'm|my)\b.{0,40}\b(?:hijab|turban|niqab|kippah|accent|race|religion|skin|"
    r"pregnan\w*|disability|gender|age|ethnicity|black|muslim|jewish|sikh|indigenous|trans|gay|lesbian)\b",
    r"\bdiscrimin\w*\b|\bracisme\b|\braciste\b|\bsexisme\b|\bsexiste\b|\bhomophob\w*\b",
    r"\ba cause de (?:mon|ma|mes) (?:accent|origine|religion|handicap|age|sexe|genre|couleur|voile|grossesse)\b",
    r"\btraitee? differemment\b|\bpayee? moins\b",
)
# Saying one belongs to a protected group, alongside something done to one (both needed).
_PROTECTED_SELF = re.compile(
    r"\b(?:i'm|i am|that i'm|that i am|je suis|que je suis|j'etais)\b.{0,20}\b(?:pregnant|muslim|jewish|sikh|"
    r"black|trans|transgender|gay|lesbian|queer|disabled|indigenous|immigrant|enceinte|musulmane?|juive?|"
    r"noire?|autochtone|immigrante?)\b|\b(?:my|ma|mon) (?:pregnancy|grossesse|religion|ethnicity|origine)\b"
)
_ADVERSE = re.compile(
    r"\b(?:fired|let go|stopped|cut|denied|refused|rejected|demoted|excluded|not hired|wasn't hired|"
    r"fewer|less|treated|ignored|renvoyee?|congediee?|refusee?|exclue?|moins|arrete|plus de quarts|"
    r"traitee?|ignoree?|pas (?:ete )?(?:prise?|retenue?|engagee?|choisie?|acceptee?)|not (?:picked|selected|chosen|"
    r"accepted)|turned (?:me )?down|didn't (?:take|pick|choose|accept|want) (?:me|us))\b"
)
_ACCOMMODATION = _rx(
    r"\b(?:need|needs|require|request|requesting|want|ask(?:ing)? for|get) (?:an? |some )?"
    r"(?:workplace |disability |medical )?accommodations?\b",
    r"\baccommodations? (?:for|because of) (?:my|our)\b",
    r"\b(?:my|our) (?:disability|disabilities|condition|diagnosis|medical condition|mental health|"
    r"accessibility needs|wheelchair|chronic illness)\b",
    r"\bi (?:have|live with) (?:a |an )?(?:disability|learning disability|adhd|autism|chronic|hearing|visual|"
    r"mobility|mental health)\w*\b",
    r"\bi(?:'m| am) (?:deaf|blind|disabled|neurodivergent|autistic|hard of hearing)\b",
    r"\b(?:besoin d'(?:un |une |des )?|demander (?:un |une |des )?)(?:accommodements?|mesures? d'adaptation|"
    r"adaptations?|amenagements?)\b",
    r"\b(?:mon|mes) (?:handicap|handicaps|trouble|diagnostic|etat de sante)\b",
    r"\b(?:accommodements?|adaptations?|amenagements?) (?:pour|a cause de|en raison de) (?:mon|ma|mes)\b",
    r"\bj'ai (?:un |une )?(?:handicap|deficience|tdah|trouble)\b|\bje suis (?:handicapee?|sourde?|aveugle)\b",
)
_COMPLAINT = _rx(
    r"\b(?:file|make|lodge|submit|raise|open) (?:a |an )?(?:formal )?(?:complaint|grievance)\b",
    r"\b(?:i want|i'd like|i would like|i need|i wish|we want|we need) to (?:complain|report)\b",
    r"\bcomplain(?:ing)? about (?:my|our|the)\b",
    r"\breport (?:my|our) (?:employer|supervisor|boss|manager|placement|host|coworker|co-worker)\b",
    r"\b(?:porter|deposer|faire|formuler) (?:une )?plainte\b|\bme plaindre\b",
    r"\bsignaler (?:mon|ma|notre) (?:employeur|superviseur|superviseure|patron|patronne|gestionnaire|stage|collegue)\b",
)
_FRUSTRATED = _rx(
    r"\b(?:this|that|it|you)(?:'s| is| are|'re)? (?:not|isn't|aren't|not really) (?:helping|helpful|working|useful)\b",
    r"\b(?:this|that|it)(?: is|'s)? (?:useless|pointless|a waste of (?:my )?time)\b|\bwaste of (?:my )?time\b",
    r"\b(?:you're|you are) (?:useless|not listening|not understanding|no help)\b",
    r"\b(?:you )?(?:don't|do not|didn't|dont) (?:understand|get it|listen)\b",
    r"\b(?:that's|that is|this is|it's) not what i (?:asked|meant|said|need)\b",
    r"\b(?:doesn't|does not|didn't|did not|you didn't|you did not) answer(?:ed)? my question\b",
    r"\bi (?:already|just) (?:asked|told you|said)\b|\b(?:stupid|dumb|useless) (?:bot|robot|machine)\b",
    r"\bnot helpful\b|\bunhelpful\b|\bfrustrat\w*\b|^(?:useless|so useless|nul|pas utile)\W*$",
    r"\b(?:not|aren't|isn't|never|didn't) (?:really )?answer(?:ing|ed)? (?:my|the) question\b",
    r"\b(?:ca|cela|c'est|ce n'est|ce n est|vous ne|tu ne|tu n'|vous n') ?(?:ne )?(?:m'aide|m aide|aide) pas\b",
    r"\b(?:ca|cela) (?:ne )?(?:sert|marche|fonctionne) (?:a rien|pas)\b|\bpas (?:tres )?utile\b|\binutile\b",
    r"\b(?:tu ne|vous ne|tu|vous) (?:comprends|comprenez) (?:pas|rien)\b",
    r"\b(?:ce n'est pas|c'est pas) ce que (?:j'ai demande|je demande|je veux|je voulais)\b",
    r"\b(?:ne|n') ?(?:repond|repondez|reponds) pas a ma question\b|\bperte de temps\b",
    r"\bj'ai deja (?:demande|pose|dit)\b|\b(?:robot|bot) (?:stupide|inutile|nul)\b",
)

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP_WORDS = (
    "a an the to of in on for and or is are do does i me my you it this that what how can "
    "le la les de des du un une et ou est je mon ma mes vous tu il que quoi comment pour"
)
_STOP = frozenset(_STOP_WORDS.split())
REPEAT_THRESHOLD = 0.8
REPEAT_MIN_TOKENS = 3
REPEAT_WINDOW = 4
REPEAT_EXACT_MIN_WORDS = 4  # a word-for-word repeat needs this many words and 2 content words
REASK_CONTAINED = 0.75  # with "again": share of the new question's content words already asked


def _content_tokens(text: str) -> set[str]:
    return {t for t in _TOKEN.findall(normalise(text)) if t not in _STOP}


def is_repeat(text: str, previous_user_texts: Sequence[str]) -> bool:
    """Return True when `text` asks again (nearly) what one of the recent messages asked.

    Case, accents and punctuation are ignored: "HOW DO I APPLY FOR THE SUBSIDY!!" repeats
    "how do i apply for the subsidy". A word-for-word repeat counts from REPEAT_EXACT_MIN_WORDS words
    and two content words (stop words included in the count), so short questions made mostly of
    stop words still count, while "yes" / "oui" / "ok thanks" said twice do not.
    """
    recent = list(previous_user_texts)[-REPEAT_WINDOW:]
    words = _TOKEN.findall(expand_shorthand(normalise(text)))
    if (
        len(words) >= REPEAT_EXACT_MIN_WORDS
        and len(set(words) - _STOP) >= 2
        and any(
            _TOKEN.findall(expand_shorthand(normalise(previous))) == words for previous in recent
        )
    ):
        return True
    norm = normalise(text)
    reask = REASK_MARKER.search(norm)
    tokens = _content_tokens(REASK_MARKER.sub(" ", norm) if reask else text)
    if len(tokens) < REPEAT_MIN_TOKENS:
        return False
    for previous in recent:
        other = _content_tokens(previous)
        if len(other) < REPEAT_MIN_TOKENS:
            continue
        if len(tokens & other) / len(tokens | other) >= REPEAT_THRESHOLD:
            return True
        # "again, when does summer intake open?" asks a shorter form of an earlier question.
        if reask and len(tokens & other) / len(tokens) >= REASK_CONTAINED:
            return True
    return False


def _sensitive(norm: str) -> str | None:
    personal = bool(_FIRST_PERSON.search(norm))
    # A bare word ("harcelement", "discrimination!") is someone raising it, unless it names a rule.
    short = len(_TOKEN.findall(norm)) <= SHORT_TOKENS and not _RULE_WORDS.search(norm)
    if not (personal or short):
        return None
    # "How should we handle it when a student reports harassment?" is a process question.
    if HYPOTHETICAL_REPORT.search(norm):
        return None
    general = bool(_GENERAL_QUESTION.search(norm))
    pressure = bool(HAZARD_PRESSURE.search(norm))
    if (HAZARD.search(norm) or MISSING_PROTECTION.search(norm)) and pressure:
        return "safety"
    if (
        HAZARD.search(norm)
        and HAZARD_PRESENT.search(norm)
        and not (HYPOTHETICAL.search(norm) or general)
    ):
        return "safety"
    for reason, patterns in (
        ("safety", (_SAFETY, DANGER, GENERIC_SAFETY)),
        ("harassment", (_HARASSMENT, ABUSE, GENERIC_HARASSMENT, UNWANTED, COERCION, ABUSE_FR)),
        ("discrimination", (_DISCRIMINATION, GENERIC_DISCRIMINATION, MISGENDERING)),
        ("accommodation", (_ACCOMMODATION, ACCESS_NEED, GENERIC_ACCOMMODATION)),
        ("complaint", (_COMPLAINT, UNPAID, COMPLAIN, GRIEVANCE)),
    ):
        matched = any(pattern.search(norm) for pattern in patterns)
        if matched and not (general and reason != "safety"):
            return reason
        if general:
            continue
        if reason == "harassment" and (
            (DISCOMFORT.search(norm) and CONTACT_ACT.search(norm))
            or (ADVANCES.search(norm) and ADVANCES_AGGRAVATED.search(norm))
            or (HOST_STUDENT.search(norm) and THIRD_PERSON_UNWANTED.search(norm))
        ):
            return reason
        if reason == "discrimination" and (
            (
                (_PROTECTED_SELF.search(norm) or BECAUSE_TRAIT.search(norm))
                and (_ADVERSE.search(norm) or ADVERSE_MORE.search(norm))
            )
            or (SINGLED_OUT.search(norm) and DENIED.search(norm))
        ):
            return reason
    return None


def _requested(norm: str) -> bool:
    bare = re.sub(r"[^\w' ]+", " ", norm).strip()
    bare = re.sub(r"\s+", " ", bare)
    if _BARE_REQUEST.match(bare) or BARE_REQUEST_MORE.match(bare):
        return True
    # "will the school call us back?": someone else's callback is not a request for a liaison.
    norm = IN_PERSON.sub("face to face", THIRD_PARTY_CONTACT.sub(" ", norm))
    if _NEGATED_REQUEST.search(norm):
        return False
    if _ADVICE_QUESTION.match(norm) or THIRD_PARTY.search(norm):
        return False
    if REQUEST_MORE.search(norm) or GENERIC_REQUEST.search(norm) or REQUEST_CUES.search(norm):
        return True
    named = re.search(_HUMAN_EN, norm) or re.search(_HUMAN_FR, norm)
    if named and BOT_CONTRAST.search(norm):
        return True
    return bool(_REQUESTED.search(norm))


def detect_handoff(
    text: str,
    locale: str,
    *,
    previous_user_texts: list[str],
    decline_streak: int,
) -> str | None:
    """Return why this message should go to a liaison, or None to let the assistant answer.

    Args:
        text: what the person just typed.
        locale: "en" or "fr" (both languages are checked whatever the locale: people mix them).
        previous_user_texts: the person's earlier messages, oldest first (for repeated questions).
        decline_streak: how many answers in a row the assistant has declined *before* this
            message; 2 or more hands off ("declined_twice").

    Returns:
        One of REASONS, or None.
    """
    norm = expand_shorthand(normalise(text))
    if not norm:
        return None
    reason = _sensitive(norm)
    if reason is None and _requested(norm):
        reason = "requested"
    frustrated = any(
        p.search(norm) for p in (_FRUSTRATED, FRUSTRATED_MORE, GENERIC_FRUSTRATED, FRUSTRATION_CUES)
    )
    if reason is None and (frustrated or is_repeat(text, previous_user_texts)):
        reason = "frustrated"
    if reason is None and decline_streak >= 2:
        reason = "declined_twice"
    if reason is not None:
        logger.debug("handoff detected (%s, %s)", reason, locale)
    return reason
