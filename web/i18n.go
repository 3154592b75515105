package web

import "fmt"

// dict holds every interface text: Dutch first, English as the choice.
// A key missing in English falls back to Dutch; a missing key shows itself,
// which the tests catch.
var dict = merged(pageTexts, conversationTexts)

// pageTexts are the texts of the pages before the conversation.
var pageTexts = map[string][2]string{
	"app.name":        {"afspraak", "afspraak"},
	"nav.today":       {"Vandaag", "Today"},
	"nav.plan":        {"Gesprek plannen", "Plan a session"},
	"nav.clients":     {"Cliënten", "Clients"},
	"nav.report":      {"Rapport", "Report"},
	"nav.audit":       {"Audit", "Audit trail"},
	"nav.signout":     {"Afmelden", "Sign out"},
	"nav.lang":        {"English", "Nederlands"},
	"nav.skip":        {"Naar de inhoud", "Skip to content"},
	"nav.signedinas":  {"Aangemeld als %s (%s)", "Signed in as %s (%s)"},
	"title.signin":    {"Aanmelden", "Sign in"},
	"title.today":     {"Vandaag", "Today"},
	"title.plan":      {"Gesprek plannen", "Plan a session"},
	"title.session":   {"Gesprek", "Session"},
	"title.complete":  {"Gesprek afronden", "Complete the session"},
	"title.clients":   {"Cliënten", "Clients"},
	"title.client":    {"Cliënt", "Client"},
	"title.report":    {"Opvolgrapport", "Follow-up report"},
	"title.audit":     {"Audit", "Audit trail"},
	"title.notfound":  {"Niet gevonden", "Not found"},
	"title.forbidden": {"Niet toegestaan", "Not allowed"},

	"signin.intro":  {"Plak je persoonlijke sleutel (token). Je hoeft dat maar één keer per dag te doen.", "Paste your personal token. You only need to do this once a day."},
	"signin.token":  {"Persoonlijke sleutel", "Personal token"},
	"signin.help":   {"Je kreeg de sleutel van de beheerder. Hij begint met afs_.", "Your administrator gave you the token. It starts with afs_."},
	"signin.submit": {"Aanmelden", "Sign in"},
	"signin.wrong":  {"Deze sleutel kennen we niet, of hij is ingetrokken. Vraag de beheerder om een nieuwe.", "We do not know this token, or it was revoked. Ask your administrator for a new one."},

	"signin.throttled": {"Te vaak een verkeerde sleutel geprobeerd. Wacht tien minuten en probeer het dan opnieuw.", "Too many wrong tokens. Wait ten minutes, then try again."},

	"notice.signedout": {"Je bent afgemeld.", "You are signed out."},
	"notice.planned":   {"Het gesprek is gepland.", "The session is planned."},
	"notice.started":   {"Het gesprek is begonnen.", "The session has started."},
	"notice.saved":     {"Opgeslagen.", "Saved."},
	"notice.agreement": {"De afspraak is toegevoegd.", "The agreement was added."},
	"notice.completed": {"Het gesprek is afgerond.", "The session is completed."},

	"error.internal":    {"Er ging iets mis. Probeer het opnieuw; blijft het misgaan, meld dan het tijdstip.", "Something went wrong. Try again; if it keeps happening, report the time."},
	"error.unavailable": {"De gegevens kunnen nu even niet worden opgeslagen. Probeer het over een minuut opnieuw; er is niets opgeslagen.", "Your data cannot be saved just now. Try again in a minute; nothing was saved."},
	"banner.sending":    {"Berichten komen nu niet aan bij Twilio: ze wachten in de wachtrij en gaan vanzelf alsnog weg zodra het weer lukt. Meld dit bij de beheerder.", "Messages are not getting through to Twilio: they wait in the queue and go out by themselves once it works again. Tell the administrator."},
	"error.notfound":    {"Deze pagina bestaat niet, of je hebt er geen toegang toe.", "This page does not exist, or you have no access to it."},
	"error.forbidden":   {"Het formulier was verlopen. Ga terug, laad de pagina opnieuw en probeer het nog eens.", "The form had expired. Go back, reload the page and try again."},
	"error.prefix":      {"Niet opgeslagen:", "Not saved:"},
	"back.today":        {"Naar Vandaag", "Go to Today"},

	"today.today":      {"Gesprekken vandaag", "Sessions today"},
	"today.upcoming":   {"De komende week", "The coming week"},
	"today.noshows":    {"Niet verschenen (laatste 2 weken)", "No-shows (last 2 weeks)"},
	"today.replies":    {"Berichten van cliënten (laatste week)", "Replies from clients (last week)"},
	"today.agreements": {"Afspraken die aandacht vragen", "Agreements that need attention"},
	"today.none":       {"Niets.", "Nothing."},
	"today.overdue":    {"Deadline binnen een week of voorbij", "Due within a week or overdue"},
	"today.unacked":    {"Nog niet bevestigd door cliënt", "Not yet acknowledged by the client"},
	"today.afterhours": {"buiten kantooruren", "after hours"},

	"col.when":     {"Wanneer", "When"},
	"col.client":   {"Cliënt", "Client"},
	"col.who":      {"Wie belt", "Who calls"},
	"col.channel":  {"Kanaal", "Channel"},
	"col.setting":  {"Setting", "Setting"},
	"col.status":   {"Status", "Status"},
	"col.text":     {"Afspraak", "Agreement"},
	"col.due":      {"Deadline", "Due"},
	"col.owner":    {"Wie", "Who"},
	"col.summary":  {"In samenvatting", "In summary"},
	"col.kind":     {"Soort", "Kind"},
	"col.message":  {"Bericht", "Message"},
	"col.received": {"Ontvangen", "Received"},
	"col.action":   {"Actie", "Action"},
	"col.entity":   {"Onderdeel", "Record"},
	"col.actor":    {"Door", "By"},
	"col.changes":  {"Wijzigingen", "Changes"},
	"col.worker":   {"Medewerker", "Worker"},
	"col.open":     {"Openen", "Open"},

	"who.client": {"Cliënt belt jou", "Client calls you"},
	"who.worker": {"Jij belt de cliënt", "You call the client"},

	"modality.video":        {"Video", "Video"},
	"modality.phone":        {"Telefoon", "Phone"},
	"modality.whatsapp":     {"WhatsApp", "WhatsApp"},
	"modality.face_to_face": {"Face-to-face", "Face to face"},
	"modality.walk":         {"Wandelgesprek", "Walk"},

	"session.planned":   {"Gepland", "Planned"},
	"session.started":   {"Bezig", "In progress"},
	"session.completed": {"Afgerond", "Completed"},
	"session.no_show":   {"Niet verschenen", "No-show"},
	"session.cancelled": {"Geannuleerd", "Cancelled"},

	"plan.client":     {"Cliënt", "Client"},
	"plan.when":       {"Datum en tijd", "Date and time"},
	"plan.duration":   {"Duur (minuten)", "Duration (minutes)"},
	"plan.modality":   {"Vorm", "Modality"},
	"plan.initiator":  {"Wie belt?", "Who calls?"},
	"plan.template":   {"Agenda", "Agenda"},
	"plan.setting":    {"Afspraak over de setting (rustige plek, wie is erbij)", "Agreement about the setting (a quiet place, who is present)"},
	"plan.submit":     {"Gesprek opslaan", "Save the session"},
	"plan.check":      {"Controleer het beleid", "Check the policy"},
	"plan.policyok":   {"Dit gesprek past binnen het beleid.", "This session fits the policy."},
	"plan.warnbefore": {"Nog niet opgeslagen. Kies face-to-face, of sla op en bespreek de afwijking met je leidinggevende.", "Not saved yet. Choose face to face, or save and discuss the departure with your supervisor."},
	"plan.badtime":    {"Vul een datum en tijd in.", "Fill in a date and time."},
	"plan.warnings":   {"Let op: dit gesprek wijkt af van het beleid", "Note: this session departs from the policy"},
	"plan.warnhelp":   {"Het gesprek is opgeslagen. Bespreek de afwijking met je leidinggevende of plan het gesprek face-to-face.", "The session is saved. Discuss the departure with your supervisor or plan the session face to face."},

	"session.start":        {"Gesprek begint nu", "The session starts now"},
	"session.agenda":       {"Agenda", "Agenda"},
	"session.done":         {"Besproken", "Discussed"},
	"session.notes":        {"Notities", "Notes"},
	"session.save":         {"Opslaan", "Save"},
	"session.carried":      {"Afspraak uit een eerder gesprek", "Agreement from an earlier session"},
	"session.kept":         {"Nagekomen", "Kept"},
	"session.notkept":      {"Niet nagekomen", "Not kept"},
	"session.agreements":   {"Afspraken", "Agreements"},
	"session.addagreement": {"Afspraak toevoegen", "Add an agreement"},
	"session.agtext":       {"Wat is afgesproken?", "What was agreed?"},
	"session.owner":        {"Wie doet het?", "Who does it?"},
	"owner.client":         {"Cliënt", "Client"},
	"owner.worker":         {"Medewerker", "Worker"},
	"session.due":          {"Deadline (niet verplicht)", "Due date (optional)"},
	"session.notinsummary": {"Niet in de samenvatting aan de cliënt", "Not in the summary to the client"},
	"session.complete":     {"Afronden en samenvatting bekijken", "Complete and preview the summary"},
	"session.messages":     {"Berichten over dit gesprek", "Messages about this session"},
	"session.minutes":      {"%d min", "%d min"},
	"yes":                  {"ja", "yes"},
	"no":                   {"nee", "no"},

	"complete.preview":              {"Zo krijgt de cliënt de samenvatting", "This is the summary the client gets"},
	"complete.channel":              {"Kanaal", "Channel"},
	"complete.skip":                 {"Er wordt niets verstuurd:", "Nothing will be sent:"},
	"complete.template":             {"WhatsApp-sjabloon met deze variabelen", "WhatsApp template with these variables"},
	"complete.encoding":             {"Tekenset", "Encoding"},
	"complete.segments":             {"Aantal sms-delen", "SMS segments"},
	"complete.parts":                {"Te lang voor één bericht: de samenvatting wordt als 2 berichten verstuurd.", "Too long for one message: the summary is sent as 2 messages."},
	"complete.risk":                 {"Risicosignalen", "Risk signals"},
	"complete.notes":                {"Notities bij het gesprek (alleen intern)", "Notes on the session (internal only)"},
	"complete.send":                 {"Samenvatting naar de cliënt sturen", "Send the summary to the client"},
	"complete.submit":               {"Gesprek afronden", "Complete the session"},
	"skip.no_consent":               {"de cliënt gaf geen toestemming voor WhatsApp of sms", "the client gave no consent for WhatsApp or SMS"},
	"skip.preferred_channel_none":   {"de cliënt wil geen berichten", "the client wants no messages"},
	"skip.no_agreements_in_summary": {"er staan geen afspraken in de samenvatting", "there are no agreements in the summary"},
	"skip.send_summary_false":       {"je koos ervoor niets te sturen", "you chose to send nothing"},

	"status.queued":          {"In de wachtrij", "Queued"},
	"status.scheduled":       {"Gepland voor %s", "Scheduled for %s"},
	"status.sent":            {"Verstuurd", "Sent"},
	"status.delivered":       {"Afgeleverd", "Delivered"},
	"status.read":            {"Gelezen", "Read"},
	"status.acknowledged":    {"Bevestigd door cliënt", "Acknowledged by the client"},
	"status.failed":          {"Mislukt", "Failed"},
	"status.skipped":         {"Niet verstuurd", "Not sent"},
	"status.dry_run":         {"Proefmodus: niet echt verstuurd", "Dry run: not really sent"},
	"msg.errorcode":          {"foutcode %d van de provider", "provider error code %d"},
	"msg.fallback":           {"Terugval op sms na mislukte WhatsApp", "Fell back to SMS after WhatsApp failed"},
	"msg.history":            {"Verloop", "History"},
	"kind.agreement_summary": {"Samenvatting", "Summary"},
	"kind.reminder":          {"Herinnering", "Reminder"},
	"kind.no_show_nudge":     {"Niet verschenen", "No-show"},
	"kind.auto_reply":        {"Automatisch antwoord", "Auto-reply"},

	"keyword.ack":   {"Bevestigd (AKKOORD)", "Acknowledged (OK)"},
	"keyword.stop":  {"Afgemeld (STOP)", "Opted out (STOP)"},
	"keyword.start": {"Weer aangemeld (START)", "Opted in again (START)"},

	"twilio.21211": {"het nummer is ongeldig", "the number is invalid"},
	"twilio.21610": {"de cliënt heeft STOP gestuurd", "the client replied STOP"},
	"twilio.21612": {"het nummer is niet bereikbaar via deze route", "the number cannot be reached this way"},
	"twilio.21614": {"het nummer is geen mobiel nummer", "the number is not a mobile number"},
	"twilio.30003": {"de telefoon is uit of niet bereikbaar", "the phone is off or unreachable"},
	"twilio.30005": {"het nummer bestaat niet (meer)", "the number does not exist (any more)"},
	"twilio.30006": {"het nummer is een vaste lijn", "the number is a landline"},
	"twilio.30007": {"de provider heeft het bericht tegengehouden", "the carrier filtered the message"},
	"twilio.30008": {"onbekende fout bij de provider", "unknown error at the carrier"},
	"twilio.63003": {"de cliënt heeft geen WhatsApp", "the client is not on WhatsApp"},
	"twilio.63014": {"de cliënt heeft ons geblokkeerd in WhatsApp", "the client blocked us on WhatsApp"},
	"twilio.63016": {"buiten het 24-uursvenster van WhatsApp en geen goedgekeurd sjabloon", "outside WhatsApp's 24-hour window and no approved template"},
	"twilio.63024": {"ongeldige WhatsApp-ontvanger", "invalid WhatsApp recipient"},

	"client.profile":      {"Gegevens", "Profile"},
	"client.phone":        {"Telefoon", "Phone"},
	"client.language":     {"Taal", "Language"},
	"client.channel":      {"Voorkeurskanaal", "Preferred channel"},
	"client.risk":         {"Risico", "Risk"},
	"client.phase":        {"Fase", "Phase"},
	"client.consent":      {"Toestemming", "Consent"},
	"client.history":      {"Geschiedenis van de toestemming", "Consent history"},
	"client.granted":      {"gegeven", "granted"},
	"client.withdrawn":    {"ingetrokken", "withdrawn"},
	"client.ledger":       {"Afspraken", "Agreements"},
	"client.sessions":     {"Gesprekken", "Sessions"},
	"client.messages":     {"Berichten", "Messages"},
	"client.plan":         {"Gesprek plannen met deze cliënt", "Plan a session with this client"},
	"agreement.open":      {"Open", "Open"},
	"agreement.kept":      {"Nagekomen", "Kept"},
	"agreement.sensitive": {"Gevoelig, niet zonder reden in de samenvatting:", "Sensitive, not in the summary without reason:"},
	"agreement.not_kept":  {"Niet nagekomen", "Not kept"},
	"agreement.cancelled": {"Vervallen", "Cancelled"},

	"report.from":       {"Van", "From"},
	"report.to":         {"Tot en met", "To (inclusive)"},
	"report.show":       {"Toon rapport", "Show the report"},
	"report.csv":        {"Download als CSV", "Download as CSV"},
	"report.total":      {"Totaal", "Total"},
	"report.sla":        {"Op tijd = binnen %d uur na het gesprek verstuurd.", "On time = sent within %d hours of the session."},
	"report.sessions":   {"Gesprekken afgerond", "Sessions completed"},
	"report.sent":       {"Samenvattingen verstuurd", "Summaries sent"},
	"report.ontime":     {"Op tijd", "On time"},
	"report.delivered":  {"Afgeleverd", "Delivered"},
	"report.acked":      {"Bevestigd", "Acknowledged"},
	"report.failed":     {"Mislukt", "Failed"},
	"report.median":     {"Mediaan minuten tot verzenden", "Median minutes to send"},
	"report.noshows":    {"Niet verschenen", "No-shows"},
	"report.overrides":  {"Afwijkingen beleid", "Policy overrides"},
	"report.risk":       {"Risicosignalen", "Risk signals"},
	"report.remote":     {"Aandeel op afstand", "Remote share"},
	"report.afterhours": {"Berichten buiten kantooruren", "After-hours replies"},

	"risk_level.low":    {"laag", "low"},
	"risk_level.medium": {"gemiddeld", "medium"},
	"risk_level.high":   {"hoog", "high"},
	"phase.start":       {"start", "start"},
	"phase.middle":      {"midden", "middle"},
	"phase.end":         {"eind", "end"},

	"risk.cannot_assess_emotion": {"Emotie niet goed in te schatten", "Cannot assess emotion"},
	"risk.third_party_present":   {"Iemand anders was erbij", "Someone else was present"},
	"risk.under_influence":       {"Onder invloed", "Under the influence"},
	"risk.evasive":               {"Ontwijkend", "Evasive"},
	"risk.threat_or_escalation":  {"Dreiging of escalatie", "Threat or escalation"},
	"risk.technical_problems":    {"Technische problemen", "Technical problems"},

	"title.worker":   {"Gesprekken van een medewerker", "A worker's sessions"},
	"worker.summary": {"Samenvatting", "Summary"},
	"worker.help":    {"Gemarkeerde regels vragen aandacht: samenvatting mislukt of niet bevestigd, afwijking van het beleid of een risicosignaal.", "Highlighted rows need attention: summary failed or not acknowledged, a policy override or a risk signal."},

	"audit.filter":   {"Filteren", "Filter"},
	"audit.actorid":  {"Medewerker-nummer", "User number"},
	"audit.clientid": {"Cliëntnummer", "Client number"},
	"audit.from":     {"Vanaf datum", "From date"},
	"audit.to":       {"Tot en met datum", "To date"},
	"audit.more":     {"Er zijn meer gebeurtenissen; verfijn het filter.", "There are more events; narrow the filter."},
	"audit.any":      {"(alle)", "(any)"},
}

// merged is one dictionary of several; a key in two is a mistake.
func merged(parts ...map[string][2]string) map[string][2]string {
	out := map[string][2]string{}
	for _, p := range parts {
		for k, v := range p {
			if _, dup := out[k]; dup {
				panic("web: text " + k + " defined twice")
			}
			out[k] = v
		}
	}
	return out
}

// tr returns the text for key in lang.
func tr(lang, key string) string {
	v, ok := dict[key]
	if !ok {
		return key
	}
	if lang == "en" && v[1] != "" {
		return v[1]
	}
	return v[0]
}

// errorReason explains a provider error code in plain words, or names the
// code when we have no words for it.
func errorReason(lang string, code int) string {
	if _, ok := dict[fmt.Sprintf("twilio.%d", code)]; ok {
		return tr(lang, fmt.Sprintf("twilio.%d", code)) + fmt.Sprintf(" (%d)", code)
	}
	return fmt.Sprintf(tr(lang, "msg.errorcode"), code)
}

// knownNotice reports whether a ?ok= value names a notice (anything else is
// ignored, so the URL cannot put text on the page).
func knownNotice(n string) bool {
	_, ok := dict["notice."+n]
	return ok
}
