"""More phrasing families, found blind (held-out round 6) and written as cue classes, not sentences.

Requests: booking a call or a meeting with someone ("book a call with one of your coordinators",
"prendre rendez-vous avec une agente de liaison"), slang hand-overs ("hook me up with someone",
"loop a human in"), asking for the assistant's own people ("let me talk to your manager"), Quebec
"me revenir" (get back to me) and "du vrai monde" (real people). A callback whose caller is a
third party ("will the school call us back?", "l'ecole va-tu me rappeler?") is not a request: that
clause is removed before the request patterns run.

Sensitive: advances that go on after a refusal or come from someone with power over the person,
threats tied to a condition ("he'll give me a bad evaluation unless..."), misgendering, a hazard at
work together with pressure to carry on or stated as present ("we had a gas leak", "y'a pas de
harnais ... monter pareil"), French verbal abuse in any tense ("m'a humiliee", "m'a traitee
d'incompetente"), a French grievance ("deposer un grief"). A hypothetical report by a student
("how should we handle it when a student reports harassment?") is a process question, not a case.

Frustration: saying one asks for the n-th time, giving up, and re-asking with "again".

All patterns read normalised, shorthand-expanded text (see detect.normalise, expand_shorthand).
"""

from __future__ import annotations

import re


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# --- requests --------------------------------------------------------------------------------------
# Someone at the secretariat one might meet with (not "my advisor", "our student").
_WHO_EN = (
    r"(?:(?:a|an|the|one of (?:your|you're|the)|your|you're|some) )?(?:real |actual |live )?"
    r"(?:human|person|someone|somebody|agent|representative|rep|staff(?: member)?|liaison|coordinator|"
    r"advis[eo]r|counsell?or|officer|team member|expert)s?"
)
_WHO_FR = (
    r"(?:(?:un|une|le|la|l'un de vos|l'une de vos|un de vos|une de vos|votre|vos|ton|ta|tes) ?)?"
    r"(?:quelqu'un|humain|personne|agente? de liaison|agente?|conseillere?|intervenante?|responsable|"
    r"coordonnat(?:eur|rice)|membre de (?:votre|ton|ta|l') ?equipe)s?"
)
# The person (not a third party) as the one who would do the talking.
_SPEAKER_EN = r"(?:^|\b(?:i|we|me|us)\b(?: [a-z']+){0,3} )"
_SPEAKER_FR = r"(?:^|\b(?:je|j'|on|nous|me|moi)(?: ?[a-z'-]+){0,3} )"
_CONTACT_EN = r"(?:talk|speak|chat|meet|deal|get in touch|be in touch)"
_CONTACT_FR = r"(?:parler|jaser|placoter|discuter|echanger|clavarder|communiquer|causer)"

REQUEST_CUES = _rx(
    # Booking a conversation: "book a call with one of your coordinators", "set up a meeting with you".
    r"\b(?:book|schedule|set up|arrange|request|get|have|make|organi[sz]e) (?:a |an )?(?:quick |short |"
    r"phone |video |zoom |teams |virtual |in-person )?(?:call|meeting|appointment|chat|conversation|"
    r"consultation|session) with (?:you(?:r (?:team|office|staff))?\b|you're (?:team|office|staff)\b|"
    rf"{_WHO_EN}\b(?! (?:from|at) (?:the |their |his |her |a |my |our )?(?:student'?s? )?"
    r"(?:school|college|university|institution|program)))",
    r"\b(?:prendre|fixer|avoir|obtenir|planifier|organiser|booker|caller|demander) (?:un )?(?:rendez-vous|"
    rf"rdv|appel|rencontre|meeting)(?: telephonique| virtuel(?:le)?| en personne)? avec (?:vous\b|{_WHO_FR}\b)",
    # Slang hand-overs: "hook me up with someone on the team", "loop a human in".
    rf"\b(?:hook|link|set|match|line) (?:me|us) up (?:with|to) {_WHO_EN}\b",
    r"\bloop (?:in )?(?:a |an |some )?(?:real |actual )?(?:human|person|someone|somebody|liaison|coordinator|"
    r"staff|advis[eo]r)\b",
    # The assistant's own people: "let me talk to ur manager", "parler a ton patron".
    rf"{_SPEAKER_EN}{_CONTACT_EN} (?:directly )?(?:to|with) (?:your|you're) (?:manager|supervisor|boss|"
    r"superior|team lead|team|people|colleagues|coworkers|co-workers|staff|humans?|office|director)\b",
    rf"{_SPEAKER_FR}{_CONTACT_FR} (?:directement )?(?:a|avec) (?:ton|ta|tes|votre|vos) (?:gestionnaire|"
    r"patron|patronne|superieure?|boss|equipe|collegues|responsable|directeur|directrice|gerante?|monde)\b",
    # Quebec "me revenir" (get back to me), and other ways of being contacted back.
    r"\b(?:quelqu'un|humaine?|personne|agente?|conseillere?|intervenante?|responsable|membre)"
    r"(?: [a-z'-]+){0,4} (?:m'|me |nous )(?:revenir|revienne|reviennent|recontacter|recontacte)\b",
    r"\b(?:pouvez-vous|pourriez-vous|peux-tu|pourrais-tu|vous pouvez|tu peux) (?:me|nous) "
    r"(?:revenir|recontacter|rejoindre)\b",
    # Quebec "du vrai monde" (real people) asked for.
    r"\b(?:je veux|je voudrais|j'aimerais|je prefere|je preferais|donnez-moi|donne-moi|parler a|parler avec|"
    r"jaser avec|jaser a)(?: juste)? (?:a )?du vrai monde\b",
)
# A message that is only that: "du vrai monde svp", "an actual human please".
BARE_REQUEST_MORE = re.compile(
    r"^(?:du |un |une |le |la |a |an )?(?:vrai monde|etre humain|personne reelle|vraie? personne|"
    r"actual (?:person|human)|real human|live person|human being)"
    r"(?: (?:please|now|svp|s'il vous plait|s'il te plait|stp|merci|asap))*$"
)
# A third party who would call back: "will the school call us back", "l'ecole va-tu me rappeler".
THIRD_PARTY_CONTACT = re.compile(
    r"\b(?:the|their|his|her|my|our|a|an|that|this|l'|le|la|mon|ma|notre|leur|son|sa|cette|ce) ?"
    r"(?:school|college|university|institution|polytechnic|employer|company|host|student|intern|candidate|"
    r"applicant|professor|instructor|teacher|ecole|cegep|universite|polytechnique|employeur|entreprise|"
    r"compagnie|etudiante?|stagiaire|candidate?|professeure?|prof|enseignante?)s?(?:'s)?(?: [a-z'-]+){0,3} "
    r"(?:call|phone|ring|email|text|contact|reach|get back to|write|rappel\w*|appel\w*|contact\w*|ecri\w*|"
    r"revenir|revien\w*|joindre|telephon\w*)\b"
)

# --- sensitive situations ----------------------------------------------------------------------------
ADVANCES = _rx(
    r"\b(?:asked|asks|asking|ask|keeps? asking) (?:me|us) (?:out|on a date|for a date)\b",
    r"\b(?:hits?|hitting|flirts?|flirting|flirted) (?:on|with) me\b|\bmade (?:a )?(?:pass|passes|moves?) (?:at|on) me\b",
    r"\b(?:me|m') ?(?:fait|font|faisait|a fait|ont fait) des (?:avances|propositions)\b",
    r"\b(?:me|m') ?(?:drague|cruise|a draguee?|a cruisee?|a demande de sortir|demande de sortir|"
    r"invite a sortir|a invitee? a sortir)\b",
)
# What makes advances a grievance: they go on after a no, or come from someone with a say over the person.
ADVANCES_AGGRAVATED = _rx(
    r"\b(?:after|even though|even if|even when|although|though|when|since) (?:i|i've|i had) (?:said|say|"
    r"told (?:him|her|them)|made it clear)\b",
    r"\b(?:won't|doesn't|does not|will not) (?:take no|stop|leave me alone)\b|\bnot interested\b|\bagain\b|"
    r"\bkeeps?\b",
    r"\b(?:meme|malgre)\b.{0,20}\b(?:non|refus)\b|\b(?:arrete|arretent|cesse) pas\b|\bencore\b|"
    r"\bpas interessee?\b",
    r"\b(?:supervisor|boss|manager|mentor|team lead|foreman|owner|director|client|customer|superviseure?|"
    r"patron|patronne|gerante?|gestionnaire|contremaitre|boss|responsable|directeur|directrice|client|cliente)\b",
)
# A threat tied to a condition: "he'll give me a bad evaluation unless I cover his shifts".
COERCION = _rx(
    r"\b(?:he|she|they)(?:'ll| will| would|'d| is going to|'s going to| are going to|'re going to| gonna|"
    r" threatened to| threatens to) (?:[a-z']+ ){0,3}?(?:give me|fail me|fire me|report me|write me up|"
    r"cut my|ruin my|kick me out|let me go|dock my|withhold my|end my|terminate my|mark me down)\b.{0,60}?"
    r"\b(?:unless|or else|if i (?:don't|do not|refuse|say no|won't|tell|complain|report))\b",
    r"\b(?:va|vont|allait|allaient|menace de|menacent de) (?:me |m')(?:donner (?:une )?(?:mauvaise|pire)|"
    r"renvoyer|congedier|mettre (?:a la porte|dehors)|faire (?:echouer|couler|renvoyer)|couler|virer|slaquer|"
    r"flusher|retirer|couper|denoncer)\b.{0,60}?\b(?:si je|si j'|a moins que|sinon)\b",
)
MISGENDERING = _rx(
    r"\b(?:misgender\w*|deadnam\w*)\b|\bcalls? me by my (?:old|dead|birth) name\b",
    r"\b(?:refuses?|refused|won't|will not|doesn't|does not|keeps? refusing) (?:to )?(?:use|say|call me by|"
    r"respect) my (?:name|pronouns|chosen name|new name)\b",
    r"\bmegenr\w*\b|\b(?:refuse|refusent|refusait|veut pas|veulent pas) (?:de |d')?(?:utiliser|employer|"
    r"respecter|dire) (?:mon (?:nom|prenom|nouveau nom)|mes pronoms)\b|"
    r"\bm'appell?e\w* (?:encore |toujours )?par mon ancien (?:nom|prenom)\b",
)
# A hazard at work (EN/FR) ...
HAZARD = _rx(
    r"\b(?:gas|fuel|propane|chemical|ammonia) (?:leak|spill|smell)s?\b|\b(?:toxic|chemical) (?:fumes|exposure)\b|"
    r"\bfumes\b|\bcarbon monoxide\b|\basbestos\b|\b(?:exposed|live|bare) wires?\b|\bblack mou?ld\b|"
    r"\bfire (?:exits?|doors?) (?:are |is )?(?:blocked|locked|chained)\b|\b(?:blocked|locked) (?:fire )?exits?\b",
    r"\bfuite de (?:gaz|propane|produits?|ammoniac)\b|\bdeversement\b|\bemanations?\b|\bmonoxyde de carbone\b|"
    r"\bamiante\b|\bfils? (?:denudes?|a nu)\b|\bmoisissures?\b|\bsorties? de secours (?:bloquees?|barrees?|"
    r"verrouillees?)\b",
)
# ... or missing protection (which needs the pressure below: "no masks left" is a supply question) ...
MISSING_PROTECTION = _rx(
    r"\b(?:no|without|without any|not wearing) (?:a |any )?(?:harness|fall protection|guard(?:rail)?s?|"
    r"safety (?:gear|equipment|glasses|harness)|ppe|hard hats?|respirators?|masks?|gloves|ventilation|lockout)\b",
    r"\b(?:pas de|pas d'|sans|aucun|aucune|jamais de) (?:harnais|garde-corps|protecteurs?|"
    r"equipement de protection|epi|masques?|casques?|gants|ventilation|lunettes de securite)\b",
)
# ... with pressure to carry on ...
HAZARD_PRESSURE = _rx(
    r"\btold (?:me|us|everyone|everybody|them|the crew|the team) to (?:keep|continue|go|stay|get back|work|"
    r"climb|ignore|finish)\b",
    r"\b(?:keep|kept|continue|continued) working\b|\bwork(?:ing)? anyway\b|\bdo it anyway\b|"
    r"\bmakes? (?:me|us) (?:work|climb|use|go|handle)\b",
    r"\b(?:nous|me|m') ?(?:dit|disent|a dit|ont dit|oblige\w*|force\w*|demande) (?:de |d'|a )?(?:continuer|"
    r"monter|travailler|rester|y aller|retourner|utiliser)\b|\b(?:pareil|quand meme|malgre tout)\b",
)
# ... or said to be there now (hazards only) (not "what if there is a gas leak?").
HAZARD_PRESENT = re.compile(
    r"\b(?:there's|there is|there are|there was|there were|we had|we have|we've had|i had|il y a|"
    r"il y avait|on a eu|j'ai eu|nous avons eu)\b"
)
HYPOTHETICAL = re.compile(
    r"\b(?:what if|if there|in case|what happens if|what to do if|en cas d|si jamais|s'il y a|s'il y avait|"
    r"au cas ou|que faire si)\b"
)
ABUSE_FR = re.compile(
    r"\b(?:m'a|m'ont|nous a|nous ont|me|m'|nous) ?(?:humilie\w*|rabaisse\w*|insulte\w*|injurie\w*|"
    r"engueule\w*|ridiculise\w*|denigre\w*|crie\w* (?:dessus|apres)|traite\w* (?:d'|de )(?:idiot|incompetent|"
    r"nul|stupide|cave|niaiseu|paresseu|imbecile|conne|tous les noms)\w*)"
)
GRIEVANCE = re.compile(
    r"\b(?:porter|deposer|faire|formuler|loger|soumettre|presenter) (?:un |une )?(?:grief|plainte formelle)\b"
)
# A student's report spoken of as a possibility: a process question, not a case.
HYPOTHETICAL_REPORT = re.compile(
    r"\b(?:when|if|whenever|in case|once|quand|lorsqu'|lorsque|si|au cas ou) (?:a |an |any |one of our |"
    r"one of the |some |our |un |une |des |nos |l'un de nos |un de nos |une de nos |un des |une des )?"
    r"(?:co-?op |placement |new )?(?:student|intern|trainee|employee|worker|apprentice|stagiaire|etudiante?|"
    r"employee?|travailleuse?|apprentie?)s? (?:reports?|complains?|discloses?|raises?|comes to us|brings up|"
    r"flags|signalent?|se plaignent?|se plaint|denoncent?|declarent?|nous (?:en )?(?:parlent?|signalent?)|"
    r"vient nous voir|viennent nous voir)\b"
)

# "in person" / "en personne" says how to meet, not whom: "meet the students in person".
IN_PERSON = re.compile(r"\b(?:in person|en personne)\b")

# --- frustration -------------------------------------------------------------------------------------
FRUSTRATION_CUES = _rx(
    # Asking for the n-th time.
    r"\b(?:this is|that's|it's|for) the (?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)|nth|umpteenth) time "
    r"(?:i've |i have |i'm |i )?(?:ask|said|say|tell|told|typ|explain)\w*\b",
    r"\bi(?:'ve| have)? (?:already )?(?:asked|told you|said|explained)(?: you)?(?: (?:this|that|it))? "
    r"(?:twice|three times|\d+ times|several times|multiple times|many times|a few times|so many times|"
    r"over and over)\b",
    r"\bhow many times (?:do|must|should|will) i (?:have to )?(?:ask|say|tell|repeat|explain)\b",
    r"\b(?:ca|c') ?(?:fait|est la) (?:deux|trois|quatre|cinq|dix|\d+|deuxieme|troisieme|quatrieme|cinquieme|"
    r"\d+e|centieme) fois (?:que|qu') (?:je |j')"
    r"(?:(?:te |vous |t')(?:le |la |l')?(?:ai )?(?:pose|demande|redemande|repete|ecris|ecrit|dis|dit|explique)\b|"
    r"(?:pose|demande|redemande|repete|ecris|dis|explique) (?:la (?:meme )?question|ca|cela)\b)",
    r"\bcombien de fois (?:je dois|dois-je|faut-il que je|faut que je|je vais devoir) (?:te |vous )?"
    r"(?:le |la )?(?:demander|repeter|dire|expliquer|ecrire|poser)\b",
    r"\b(?:pose|demande|redemande|repete) (?:encore )?la meme question\b|\bje (?:te |vous )?(?:repete|redemande)\b",
    # Giving up on the conversation (not "I give up too easily", "j'abandonne le programme").
    r"\bi give up\b(?! (?:on (?:finding|hiring|looking|the )|too |easily|my |the ))|"
    r"\bi(?:'m| am) done with (?:this|you)\b",
    r"\b(?:j'abandonne|je laisse tomber|je lache|laisse tomber|oublie ca)\b"
    r"(?! (?:le|la|les|l'|mon|ma|mes|un|une|ce|cette|mon|son|sa|ses)\b)",
)
# "again", "encore une fois": the person asks something again (checked against earlier messages).
REASK_MARKER = re.compile(
    r"\b(?:again|once more|one more time|i repeat|asking again|encore une fois|je repete|je redemande|"
    r"de nouveau|encore)\b"
)
