"""Recognise sensitive situations and requests that people describe without naming them.

People rarely say "I need an accommodation" or "I want to file a complaint": they say
"I use a wheelchair and the office has no ramp" or "I haven't been paid in three weeks".
These patterns read normalised text (lower case, no accents; see detect.normalise) and are
combined with the named-topic patterns in detect.py, under the same first-person gate.
"""

from __future__ import annotations

import re


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Tools and aids a person relies on because of a disability (EN/FR).
_AID = (
    r"(?:(?:a |an |my |mon |ma |un |une )?(?:wheelchair|power chair|mobility (?:aid|scooter)|walker|crutches|"
    r"cane|screen ?reader|screen magnifier|hearing aids?|cochlear implant|service (?:dog|animal)|guide dog|"
    r"sign language interpreter|asl interpreter|captions|captioning|braille|"
    r"fauteuil roulant|chaise roulante|fauteuil motorise|triporteur|quadriporteur|marchette|deambulateur|bequilles|canne|lecteur d'ecran|appareils? auditifs?|"
    r"implant cochleaire|chien (?:d'assistance|guide)|interprete (?:en )?(?:langue des signes|lsq|asl)|"
    r"sous-titrage|braille))"
)
# Conditions a person names as their own (beyond the general words in detect.py).
_CONDITION = (
    r"(?:dyslexi[ac]|dyspraxi[ac]|dyscalculi[ac]|epilep\w+|diabet\w+|chronic pain|crohn'?s|"
    r"multiple sclerosis|cerebral palsy|low vision|hearing loss|vision loss|ptsd|concussion|"
    r"anxiety disorder|depression|bipolar\w*|long covid|arthritis|migraines?|"
    r"dyslexie|dyspraxie|dyscalculie|epilepsie|diabete|douleur chronique|sclerose en plaques|"
    r"paralysie cerebrale|basse vision|perte auditive|trouble anxieux|commotion cerebrale|"
    r"arthrite|migraines?|tspt|tdah|tsa)"
)
ACCESS_NEED = _rx(
    # "I use a wheelchair", "I rely on a screen reader", "I need captioning", "my hearing aids".
    rf"\b(?:i|we) (?:use|rely on|depend on|need|have|am in|'m in|require|get around (?:in|with|on)) {_AID}",
    rf"\b(?:i'm|i am) (?:a )?(?:wheelchair user|in a wheelchair|on crutches)\b|\bmy {_AID}",
    rf"\b(?:j'utilise|je me deplace (?:en|avec)|j'ai besoin d'(?:un |une )?|je depends d'(?:un |une )?|"
    rf"je suis en|j'ai) {_AID}",
    rf"\b(?:i have|i live with|i've got|i was diagnosed with|i'm diagnosed with) (?:a |an |severe |mild )?"
    rf"{_CONDITION}\b",
    rf"\b(?:j'ai|je vis avec|on m'a diagnostique) (?:un |une |des |de la |de l')?{_CONDITION}\b",
    r"\b(?:i'm|i am) (?:dyslexic|epileptic|diabetic|visually impaired|hearing impaired|partially sighted|"
    r"in recovery|immunocompromised)\b",
    r"\bje suis (?:dyslexique|epileptique|diabetique|malentendante?|malvoyante?|"
    r"immunodeprimee?|a mobilite reduite)\b",
    # What the person cannot do: "I can't climb stairs", "I can't stand for long".
    r"\bi (?:can't|cannot|can not|am unable to|'m unable to|am not able to|'m not able to) "
    r"(?:climb|walk (?:far|long|more)|stand (?:for|all)|lift|kneel|use (?:stairs|my (?:hands?|arms?|legs?)))\b",
    r"\bje (?:ne peux pas|ne suis pas capable de|suis incapable de) "
    r"(?:monter|marcher (?:longtemps|loin)|rester debout|soulever|utiliser (?:les escaliers|mes mains))\b",
    # A physical barrier where the person works: "no ramp", "not accessible", "pas d'ascenseur".
    r"\b(?:no|without|lacks? (?:a |an )?|has no|doesn't have (?:a |an )?|does not have (?:a |an )?)"
    r"(?:ramp|elevator|lift|accessible (?:entrance|washroom|bathroom|restroom|parking|door))\b",
    r"\b(?:isn't|is not|not) (?:wheelchair[- ])?accessible\b|\binaccessible\b",
    r"\b(?:pas de |pas d'|sans |aucune? |aucun )(?:rampe|ascenseur|toilettes? adaptees?|entree accessible|"
    r"acces (?:adapte|sans obstacles?|pour fauteuil))\b",
    r"\bn'est pas (?:accessible|adapte)\b",
)
# Not paid, or paid less than agreed: a grievance about the placement (EN/FR).
UNPAID = _rx(
    r"\b(?:hasn't|haven't|has not|have not|didn't|did not|never|still hasn't|still haven't|won't|will not|"
    r"refuses? to|stopped) (?:been )?pa(?:id|y|ying) (?:me|us|my|our)\b",
    r"\b(?:i|we) (?:haven't|have not|still haven't|never|hasn't) (?:been|got|gotten|received) (?:paid|my pay|"
    r"our pay|a paycheque|a paycheck|my wages?)\b",
    r"\b(?:i|we) (?:wasn't|was not|weren't|were not|was never|were never|never got) paid\b",
    r"\b(?:owes?|owed) (?:me|us) (?:money|wages|pay|for)\b|\b(?:my|our) (?:pay|paycheque|paycheck|wages?)"
    r" (?:is|are|was|were|has been|have been) (?:late|missing|short|withheld)\b",
    r"\b(?:je n'ai|nous n'avons|on ne m'a|on ne nous a) (?:pas|jamais|toujours pas) (?:ete |encore ete )?"
    r"(?:payee?s?|paye|remuneree?s?|recu (?:mon|notre|ma|de) (?:salaire|paie|paye))\b",
    r"\b(?:ne|n') ?(?:me|nous) (?:paie|paye|verse|rembourse) (?:pas|plus|jamais)\b",
    r"\b(?:me|nous) doit (?:de l'argent|mon salaire|notre salaire|des heures|ma paie)\b|"
    r"\b(?:mon|ma|notre) (?:salaire|paie|paye) (?:est |n'est )?(?:en retard|impayee?|pas (?:ete )?verse)\b",
)
# Being complained about, in the first person plural or a reflexive form ("nous plaindre de").
COMPLAIN = _rx(
    r"\b(?:me|nous|se) plaindre (?:de|du|des|contre|aupres)\b",
    r"\b(?:complain|report|raise a concern) about (?:the way|how) (?:my|our|the|they|he|she)\b",
)
# Verbal abuse aimed at the person (EN/FR).
ABUSE = _rx(
    r"\b(?:yells?|yelled|yelling|screams?|screamed|screaming|shouts?|shouted|shouting|swears?|swore|swearing|"
    r"curses?|cursed|snaps?|snapped) at (?:me|us)\b",
    r"\b(?:calls?|called|calling) (?:me|us) (?:names|stupid|lazy|useless|an idiot|incompetent)\b",
    r"\b(?:belittles?|belittled|belittling|demeans?|demeaned|humiliates?|humiliated|degrades?|degraded|"
    r"bullies|threatens) (?:me|us)\b|\bputs? (?:me|us) down\b",
    r"\b(?:m'engueule|nous engueule|m'a engueulee?|me gueule dessus|hurle sur (?:moi|nous)|me crie apres|"
    r"m'a crie dessus|me rabaisse|m'a rabaissee?|nous rabaisse|me traite d'(?:idiote?|incompetente?)|"
    r"me traite de (?:tous les noms|paresseux|paresseuse|nul|nulle|stupide)|m'injurie|m'a insultee?)\b",
    r"\b(?:on|ils|elles|il|elle) (?:me|nous) fait des (?:remarques|commentaires|blagues|reflexions)\b",
    r"\b(?:fait|font|faisait|faisaient) des (?:remarques|commentaires|blagues|reflexions) sur (?:mon|ma|mes)\b",
)
# Physical danger, fear, near misses (EN/FR).
DANGER = _rx(
    r"\b(?:nearly|almost) (?:ran|run|hit|killed|crushed|electrocuted|burned|burnt|fell|fall|fallen|fainted|"
    r"got hurt|got injured|lost (?:a|my) (?:finger|hand))\b",
    r"\b(?:ran|run|knocked) (?:me|us) over\b|\b(?:threw|throws|thrown|throwing) \w+(?: \w+)? at (?:me|us)\b",
    r"\b(?:scares?|scared|frightens?|frightened|terrifies|terrified) (?:me|us)\b",
    r"\b(?:a failli|ont failli|j'ai failli|on a failli) (?:me |nous )?(?:renverser|ecraser|tuer|blesser|"
    r"electrocuter|bruler|tomber|me blesser|me faire)\b",
    r"\b(?:me|nous) (?:fait|font) peur\b|\bje me suis (?:blessee?|fait mal|brulee?|coupee?)\b",
    r"\b(?:lance|lancee|jete) (?:une?|des) \w+ (?:sur|vers|contre) (?:moi|nous)\b",
)
# Being treated worse for who one is, said without naming discrimination.
SINGLED_OUT = _rx(
    r"\b(?:people|someone|anyone|persons?|those|students|interns|employees) (?:with|of|from) (?:my|our) "
    r"(?:accent|race|background|religion|skin(?: colou?r)?|origin|culture|disability|age|gender|ethnicity)\b",
    r"\b(?:people|someone|anyone|students|interns) like (?:me|us)\b",
    r"\b(?:les gens|les personnes|quelqu'un|les stagiaires|les employes) (?:comme (?:moi|nous)|avec (?:mon|notre) "
    r"(?:accent|handicap|voile)|de (?:mon|ma|notre) (?:origine|religion|couleur|culture))\b",
)
# Being told no or kept out (what makes SINGLED_OUT a grievance rather than a question).
DENIED = re.compile(
    r"\b(?:don't|doesn't|didn't|won't|can't|cannot|never|not|no|aren't|isn't|wasn't|only|ne|n'|pas|jamais)\b"
)
# Something taken away from the person (joined with a protected attribute in detect.py).
ADVERSE_MORE = re.compile(
    r"\b(?:no longer|not anymore|any more|anymore|took me off|taken off|removed me|passed (?:me )?over|"
    r"won't let me|doesn't let me|sidelined|reassigned|cut my (?:hours|shifts))\b|"
    r"\bne (?:me |m')?\w+ plus\b|\bplus aucune?\b|\bmise? a l'ecart\b|\bretiree? (?:du|de la|des)\b|"
    r"\bpas (?:ete )?embauchee?\b"
)
# Preferring someone to the assistant: "than a chatbot", "plutot qu'un robot" (with a person named).
BOT_CONTRAST = _rx(
    r"\b(?:than|instead of|not|rather than|over) (?:a |an |the |this |some )?(?:chat ?bot|bot|robot|machine|"
    r"ai|automated (?:system|assistant)|computer)\b",
    r"\b(?:plutot qu'|plutot que |pas |au lieu d'|au lieu de )(?:un |une |le |la |ce )?"
    r"(?:robot|bot|machine|ordinateur|systeme automatise|assistant automatise)\b",
)
# Asking whether someone is free now, or for a live conversation.
REQUEST_MORE = _rx(
    r"\b(?:anyone|anybody|someone|somebody|a person|a human|an advisor|an adviser|a coordinator|a liaison|"
    r"staff|an agent)(?: [a-z']+){0,2} (?:available|around|online|free|on duty) "
    r"(?:to (?:chat|talk|speak|help)|right now|now|today)\b",
    r"\b(?:chat|talk|speak) live\b|\blive chat\b",
    r"\b(?:quelqu'un|une personne|un conseiller|une conseillere|un agent|une agente)(?: [a-z'-]+){0,2} "
    r"(?:est |serait )?(?:disponible|libre|en ligne) (?:pour (?:discuter|parler|m'aider|clavarder)|maintenant)\b",
)
# The person finds the conversation goes round in circles (EN/FR).
FRUSTRATED_MORE = _rx(
    r"\b(?:you|it|this) (?:keep|keeps|kept) (?:giving|saying|sending|telling|repeating|showing)"
    r"(?: me| us)? (?:the same|that same)\b",
    r"\bsame (?:answer|reply|response|thing) (?:again|over and over|every time)\b|\b(?:going|go|goes) "
    r"(?:round|around) in circles\b",
    r"\b(?:tournez|tournes|tourne|on tourne) en rond\b|\b(?:toujours|encore) la meme (?:reponse|chose)\b",
    r"\b(?:ca|cela|vous|tu|ce bot|ce robot) ne (?:repond|repondez|reponds) (?:pas|jamais|rien)\b",
)

# Unwanted attention aimed at the person, in words that do not name harassment (EN/FR):
# "il arrete pas de me texter", "she keeps telling me i'm pretty", and discomfort with contact.
UNWANTED = _rx(
    r"\b(?:n'arrete|arrete|n'arretent|arretent|ne cesse|cesse|ne cessent) (?:pas |jamais )?(?:de |d')"
    r"(?:me |m')(?:texter|textoter|ecrire|appeler|contacter|suivre|toucher|fixer|relancer|harceler|complimenter|"
    r"draguer|envoyer des (?:messages|textos|photos|courriels)|regarder|attendre|coller)\b",
    r"\b(?:me dire|me dit|me disent|m'a dit|m'ont dit|says?|said|tells? me|told me|telling me|keeps? saying)"
    r"(?: que| qu'| that)? (?:je suis|j'suis|i'm|i am|i look|je suis tellement|i'm so) "
    r"(?:belle|beau|sexy|cute|jolie|mignonne|hot|pretty|beautiful|gorgeous)\b(?! (?:good|well|much|sure|close|busy))",
)
# Feeling uneasy, and something done to the person: both needed ("he texts me at night, it makes me
# uncomfortable"; "il m'ecrit le soir, ca me met mal a l'aise").
DISCOMFORT = re.compile(
    r"\b(?:uncomfortable|uneasy|creep(?:s|ed|ing)? me out|creepy|mal a l'aise|malaise|me gene|me derange|"
    r"me met mal)\b"
)
CONTACT_ACT = re.compile(
    r"\b(?:texts?|texting|texted|messages?|messaging|messaged|calls?|calling|called|touch(?:es|ed|ing)?|"
    r"stares? at|staring at|comments? on|compliments?|hugs?|hugged) (?:me|my)\b|"
    r"\b(?:me|m') ?(?:texte\w*|textote\w*|ecri\w*|appel\w*|touche\w*|fixe\w*|regarde\w*|complimente\w*|"
    r"dire|dit|envoie\w*|suit|colle)\b"
)
# A host organisation (or a parent, a teacher) reporting what is done to *their* student.
HOST_STUDENT = re.compile(
    r"\b(?:our|my|one of our|one of my|notre|nos|mon|ma|une de nos|un de nos|l'une de nos|l'un de nos) "
    r"(?:co-?op |placement |summer |new )?(?:interns?|students?|trainees?|apprentices?|stagiaires?|"
    r"etudiante?s?|apprentie?s?)\b"
)
THIRD_PERSON_UNWANTED = _rx(
    r"\b(?:keeps?|kept|won't stop|wont stop|doesn't stop|constantly|always|started) (?:messaging|texting|"
    r"calling|following|touching|grabbing|contacting|emailing|writing to|hitting on|commenting on|staring at|"
    r"waiting for|asking (?:her|him|them) out) (?:her|him|them)\b(?! about)",
    r"\b(?:touched|grabbed|groped|kissed|followed|stalked|harass\w*|cornered) (?:her|him|them)\b",
    r"\b(?:n'arrete|arrete|ne cesse|cesse) (?:pas |jamais )?(?:de |d')(?:lui |la |le |les |leur )"
    r"(?:texter|ecrire|envoyer des \w+|appeler|toucher|suivre|coller|harceler|draguer|faire des avances)\b",
    r"\b(?:l'a|les a|lui a) (?:touchee?|tripotee?|embrassee?|suivie?|coincee?)\b",
)
# "parce que j'ai un accent", "because i'm black": a reason given that is a protected trait
# (joined with something done to the person in detect.py).
BECAUSE_TRAIT = re.compile(
    r"\b(?:parce que|parce qu'|car|a cause que|vu que|puisque|because|since|cause) "
    r"(?:j'ai|je suis|je porte|j'|je|mon|ma|mes|i|i'm|i have|my)\b.{0,40}\b(?:accent|voile|hijab|turban|kippa|"
    r"kippah|niqab|religion|couleur|peau|skin|origine|origin|enceinte|pregnant|grossesse|handicap|disability|"
    r"noire?|black|musulmane?|muslim|juive?|jewish|autochtone|indigenous|immigrante?|immigrant|trans|gai|gaie|gay|"
    r"lesbienne|lesbian|arabe|arab|asiatique|asian|latino|latina|age|vieux|vieille|old)\b"
)
