package address

// Hand-written data. Country and region names and codes come from
// zz_data.go; these are the spellings people write that are neither.

// countryAliases are names people write that are not a country's English
// (CLDR) name, alpha-2 or alpha-3 code. Keys are folded before use, so case,
// accents, dots and "&"/"and" do not matter.
var countryAliases = map[string]string{
	"U.S.": "US", "United States of America": "US", "America": "US", "US of A": "US",
	"UK": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB", "Wales": "GB",
	"Northern Ireland": "GB", "United Kingdom of Great Britain and Northern Ireland": "GB",
	"Deutschland": "DE", "Holland": "NL", "Nederland": "NL", "Ivory Coast": "CI", "Côte d'Ivoire": "CI",
	"RSA": "ZA", "Republic of South Africa": "ZA", "México": "MX", "Estados Unidos Mexicanos": "MX",
	"Brasil": "BR", "Bharat": "IN", "Republic of India": "IN", "Republic of Kenya": "KE",
	"Federal Republic of Nigeria": "NG", "Canadá": "CA",
	"España": "ES", "Italia": "IT", "Schweiz": "CH", "Suisse": "CH", "Svizzera": "CH", "Österreich": "AT",
	"Belgique": "BE", "België": "BE", "Polska": "PL", "Sverige": "SE", "Norge": "NO", "Danmark": "DK",
	"Suomi": "FI", "Éire": "IE", "Republic of Ireland": "IE", "Nippon": "JP", "Nihon": "JP",
	"People's Republic of China": "CN", "PRC": "CN", "Hong Kong": "HK", "Macao": "MO", "Macau": "MO",
	"Congo-Kinshasa": "CD", "DRC": "CD", "DR Congo": "CD", "Democratic Republic of the Congo": "CD",
	"Congo-Brazzaville": "CG", "Republic of the Congo": "CG",
	"United Republic of Tanzania": "TZ", "Russian Federation": "RU", "Republic of Korea": "KR", "Korea": "KR",
	"Democratic People's Republic of Korea": "KP", "Viet Nam": "VN", "Czech Republic": "CZ",
	"Swaziland": "SZ", "Burma": "MM", "Myanmar": "MM", "East Timor": "TL", "Cabo Verde": "CV", "Macedonia": "MK",
	"UAE": "AE", "Emirates": "AE", "Bosnia": "BA", "Trinidad": "TT", "Turkey": "TR",
	"Lao People's Democratic Republic": "LA", "Syrian Arab Republic": "SY", "Iran (Islamic Republic of)": "IR",
	"Bolivia (Plurinational State of)": "BO", "Venezuela (Bolivarian Republic of)": "VE",
	"Republic of Moldova": "MD", "Palestine": "PS", "State of Palestine": "PS", "Vatican": "VA", "Holy See": "VA",
	"Brunei Darussalam": "BN", "Micronesia (Federated States of)": "FM", "Federated States of Micronesia": "FM",
	"The Gambia": "GM", "The Bahamas": "BS", "Sao Tome and Principe": "ST", "Kosovo": "XK", "XKX": "XK",
	"Falkland Islands (Malvinas)": "FK", "Curacao": "CW", "Reunion": "RE", "Virgin Islands": "VI",
	"US Virgin Islands": "VI", "United States Virgin Islands": "VI", "United States Minor Outlying Islands": "UM",
	"Wallis and Futuna Islands": "WF", "Svalbard": "SJ", "Aland": "AX", "Pitcairn": "PN",
	"Saint Helena, Ascension and Tristan da Cunha": "SH", "Caribbean Netherlands": "BQ", "Bonaire": "BQ",
}

// regionAliases map other spellings, former ISO codes and abbreviations to
// a region code.
var regionAliases = map[string]map[string]string{
	"MX": {
		"DUG":  "DUR", // bojanz v1.3.3's code for Durango; ISO 3166-2:MX is DUR
		"CDMX": "CMX", "DF": "CMX", "D.F.": "CMX", "Distrito Federal": "CMX", "Mexico City": "CMX", "Ciudad de Mexico": "CMX",
		"Edomex": "MEX", "Estado de Mexico": "MEX", "State of Mexico": "MEX", "Mexico State": "MEX", "Méx.": "MEX",
		"Coahuila de Zaragoza": "COA", "Michoacán de Ocampo": "MIC", "Veracruz de Ignacio de la Llave": "VER",
		"Querétaro": "QUE", "Querétaro de Arteaga": "QUE", "NL": "NLE", "BC": "BCN", "QR": "ROO", "Q. Roo": "ROO",
	},
	"CA": {"PQ": "QC", "Nfld": "NL", "Newfoundland": "NL", "Labrador": "NL", "NF": "NL", "PEI": "PE", "P.E.I.": "PE",
		"NWT": "NT", "N.W.T.": "NT", "Yukon Territory": "YT", "YK": "YT", "Que": "QC", "Ont": "ON", "Alta": "AB",
		"Sask": "SK", "Man": "MB"},
	"IN": {"Orissa": "OD", "OR": "OD", "Uttaranchal": "UK", "UT": "UK", "UA": "UK", "Pondicherry": "PY", "TG": "TS",
		"CT": "CG", "Chattisgarh": "CG", "DD": "DH", "DN": "DH", "Daman and Diu": "DH", "Dadra and Nagar Haveli": "DH",
		"NCT of Delhi": "DL", "New Delhi": "DL", "National Capital Territory of Delhi": "DL",
		"Andaman and Nicobar Islands": "AN", "Jammu and Kashmir": "JK", "J&K": "JK"},
	"US": {
		"Ala": "AL", "Ariz": "AZ", "Ark": "AR", "Calif": "CA", "Cal": "CA", "Colo": "CO", "Conn": "CT", "Del": "DE",
		"Fla": "FL", "Ill": "IL", "Ind": "IN", "Kan": "KS", "Kans": "KS", "Mass": "MA", "Mich": "MI", "Minn": "MN",
		"Miss": "MS", "Mont": "MT", "Neb": "NE", "Nebr": "NE", "Nev": "NV", "Okla": "OK", "Ore": "OR", "Oreg": "OR",
		"Penn": "PA", "Penna": "PA", "Tenn": "TN", "Tex": "TX", "Wash": "WA", "W Va": "WV", "Wis": "WI", "Wisc": "WI",
		"Wyo": "WY", "D.C.": "DC", "Washington DC": "DC", "Washington D.C.": "DC", "US Virgin Islands": "VI",
		"Armed Forces Americas": "AA", "Armed Forces Europe": "AE", "Armed Forces Pacific": "AP",
	},
	"NG": {"Ogun State": "OG", "FCT": "FC", "Abuja": "FC", "Abuja FCT": "FC", "Nassarawa": "NA"},
	"CO": {"Guanía": "GUA"}, // v1.3.3's misspelling
	"TR": {"Afyon": "03"},   // the short name is still common
	"BR": {"Brasília": "DF"},
}

// Postal code → subdivision rules. Each table maps a region code to the
// postal code prefixes it uses: comma-separated literals, or ranges of
// equal-width numbers ("350-369"). The longest matching prefix decides; a
// prefix listed for several regions accepts any of them (for codes that
// really straddle a border), so a mismatch is reported only when the
// region given is not among them.

// usZip are the 3-digit ZIP prefixes of each state and territory (USPS),
// with 5-digit exceptions where a ZIP lies outside its prefix's state or
// serves two states.
var usZip = map[string]string{
	"AL": "350-369", "AK": "995-999", "AZ": "850-865", "AR": "716-729", "CA": "900-961,97635",
	"CO": "800-816", "CT": "060-069", "DE": "197-199", "DC": "200,202-205,569", "FL": "320-339,341-349",
	"GA": "300-319,398-399", "HI": "967-968", "ID": "832-838", "IL": "600-629", "IN": "460-479",
	"IA": "500-528", "KS": "660-679", "KY": "400-427,42223", "LA": "700-714", "ME": "039-049",
	"MD": "206-219", "MA": "010-027,055", "MI": "480-499", "MN": "550-567", "MS": "386-397",
	"MO": "630-658", "MT": "590-599", "NE": "680-693", "NV": "889-898", "NH": "030-038",
	"NJ": "070-089", "NM": "870-884", "NY": "005,06390,100-149", "NC": "270-289", "ND": "580-588",
	"OH": "430-459", "OK": "730-732,734-749,73949", "OR": "970-979,97635", "PA": "150-196",
	"RI": "028-029", "SC": "290-299", "SD": "570-577", "TN": "370-385,42223",
	"TX": "733,750-799,885,73949", "UT": "840-847", "VT": "050-054,056-059", "VA": "201,220-246",
	"WA": "980-994", "WV": "247-268", "WI": "530-549", "WY": "820-831,83414",
	"PR": "006-007,009", "VI": "008", "AS": "96799", "GU": "969", "MP": "9695", "PW": "96940",
	"FM": "96941-96944", "MH": "96960,96970", "AA": "340", "AE": "090-098", "AP": "962-966",
}

// caFSA: the first letter of a Canadian postal code is its province;
// X is shared by the Northwest Territories and Nunavut, split by the
// first three characters.
var caFSA = map[string]string{
	"NL": "A", "NS": "B", "PE": "C", "NB": "E", "QC": "G,H,J", "ON": "K,L,M,N,P", "MB": "R", "SK": "S",
	"AB": "T", "BC": "V", "NT": "X,X0E,X0G,X1A", "NU": "X,X0A,X0B,X0C", "YT": "Y",
}

// mxCP are the first two digits of Mexican postal codes per state (SEPOMEX).
var mxCP = map[string]string{
	"CMX": "01-16", "AGU": "20", "BCN": "21-22", "BCS": "23", "CAM": "24", "COA": "25-27", "COL": "28",
	"CHP": "29-30", "CHH": "31-33", "DUR": "34-35", "GUA": "36-38", "GRO": "39-41", "HID": "42-43",
	"JAL": "44-49", "MEX": "50-57", "MIC": "58-61", "MOR": "62", "NAY": "63", "NLE": "64-67",
	"OAX": "68-71", "PUE": "72-75", "QUE": "76", "ROO": "77", "SLP": "78-79", "SIN": "80-82",
	"SON": "83-85", "TAB": "86", "TAM": "87-89", "TLA": "90", "VER": "91-96", "YUC": "97", "ZAC": "98-99",
}

// inPIN are Indian PIN prefixes per state or territory (India Post). PIN
// zones follow postal circles, not states, so where a prefix serves two
// (Chandigarh/Mohali, Uttar Pradesh/Uttarakhand, Bihar/Jharkhand, the
// Puducherry enclaves inside TN, KL and AP) both are listed.
var inPIN = map[string]string{
	"DL": "11", "HR": "12-13", "PB": "14-16,160", "CH": "160", "HP": "17", "JK": "18-19,194", "LA": "194",
	"UP": "20-28,244,247,262", "UK": "244,246-249,262-263", "RJ": "30-34", "GJ": "36-39,36252,396",
	"DH": "36252,396", "MH": "40-44", "GA": "403", "MP": "45-48", "CG": "49", "TS": "50",
	"AP": "51-53,53346", "KA": "56-59", "TN": "60-64,605,6096", "PY": "605,6096,53346,67331",
	"KL": "67-69,67331", "LD": "68255", "WB": "70-74", "SK": "737", "AN": "744", "OD": "75-77",
	"AS": "78", "AR": "790-792", "ML": "793-794", "MN": "795", "MZ": "796", "NL": "797-798", "TR": "799",
	"BR": "80-82,84-85", "JH": "81-83",
}

// brCEP are Brazilian CEP prefixes per state (Correios).
var brCEP = map[string]string{
	"SP": "01-19", "RJ": "20-28", "ES": "29", "MG": "30-39", "BA": "40-48", "SE": "49", "PE": "50-56",
	"AL": "57", "PB": "58", "RN": "59", "CE": "60-63", "PI": "64", "MA": "65", "PA": "66-68", "AP": "689",
	"AM": "690-692,694-698", "RR": "693", "AC": "699", "DF": "70-71,720-727,730-736",
	"GO": "728-729,737-739,74-75,760-767", "RO": "768-769", "TO": "77", "MT": "78", "MS": "79",
	"PR": "80-87", "SC": "88-89", "RS": "90-99",
}

// No prefix rule for these, on purpose:
//   - GB: postal addresses carry no subdivision (counties are optional and
//     not validated by Royal Mail), so only the postcode format is checked.
//   - KE: postal codes belong to post offices along mail routes (00100 is
//     Nairobi GPO), not to the 47 counties; bojanz has no county list, and
//     the region part is left as written.
//   - NG: NIPOST codes are 6 digits whose first digits follow delivery
//     zones; no published table maps them to states reliably enough to call
//     an address wrong, so only the format is checked (states are checked
//     against the list).
//   - ZA: 4-digit codes are allocated by Post Office sorting areas that cut
//     across provinces (0xxx covers parts of Gauteng, Limpopo, Mpumalanga
//     and North West), and bojanz has no province list; format only.
