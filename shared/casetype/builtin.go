package casetype

// Builtins returns the example case types: CommCare's household and member,
// a Trackops-style client, and seed 003's strict "tagged" type.
func Builtins() []CaseType {
	return []CaseType{household(), member(), client(), tagged()}
}

func household() CaseType {
	return CaseType{
		Name: "household", Label: "Household",
		SearchField: "external_id", SearchColumn: "external_id",
		Fields: []Field{
			{Name: "external_id", Label: "Household ID", Aliases: []string{"household id", "household_id", "hh id"}, MaxLength: 255},
			{Name: "name", Label: "Household name", Required: true, MaxLength: 255},
			{Name: "village", Label: "Village", Aliases: []string{"town", "community"}},
			{Name: "members", Label: "Number of members", Kind: KindNumber, Aliases: []string{"household size", "size"}},
			{Name: "address", Label: "Address", Kind: KindAddress},
			{Name: "phone", Label: "Phone", Kind: KindPhone},
			{Name: "date_registered", Label: "Date registered", Kind: KindDate, Aliases: []string{"registered", "registration date"}},
		},
		DefaultCountry: "KE",
	}
}

func member() CaseType {
	return CaseType{
		Name: "member", Label: "Household member", ParentType: "household",
		SearchField: "external_id", SearchColumn: "external_id",
		Fields: []Field{
			{Name: "external_id", Label: "Member ID", Aliases: []string{"member id", "member_id"}, MaxLength: 255},
			{Name: "name", Label: "Full name", Required: true, MaxLength: 255},
			{Name: "dob", Label: "Date of birth", Kind: KindDate},
			{Name: "sex", Label: "Sex", Kind: KindSelect, Values: []string{"female", "male", "other"}, Aliases: []string{"gender"}},
			{Name: "weight_kg", Label: "Weight (kg)", Kind: KindNumber, Aliases: []string{"weight"}},
			{Name: "phone", Label: "Phone", Kind: KindPhone},
		},
	}
}

func client() CaseType {
	return CaseType{
		Name: "client", Label: "Client (Trackops-style)",
		SearchField: "external_id", SearchColumn: "client_id",
		Fields: []Field{
			{Name: "external_id", Label: "Client ID", Aliases: []string{"client id", "client_id", "client number"}, MaxLength: 255},
			{Name: "name", Label: "Client name", Required: true, MaxLength: 255},
			{Name: "matter", Label: "Matter", Aliases: []string{"case description", "description"}},
			{Name: "case_category", Label: "Case category", Kind: KindSelect, Values: []string{"surveillance", "background", "insurance", "other"}, Aliases: []string{"category", "case type"}},
			{Name: "address", Label: "Subject address", Kind: KindAddress, Aliases: []string{"subject address"}},
			{Name: "email", Label: "Email", Kind: KindEmail, Aliases: []string{"e-mail", "mail"}},
			{Name: "due_date", Label: "Due date", Kind: KindDate, Aliases: []string{"due"}},
			{Name: "budget", Label: "Budget", Kind: KindNumber},
		},
		Defaults:       map[string]string{"case_category": "other"},
		DefaultCountry: "US",
	}
}

func tagged() CaseType {
	const idForm = "letters, digits and hyphens"
	return CaseType{
		Name: "tagged", Label: "Tagged case (add/modify import)",
		SearchField: "external_id", SearchColumn: "tag_id",
		Fields: []Field{
			{Name: "tag_id", Label: "Tag ID", Required: true, Unique: true, MaxLength: 255,
				Pattern: `^[A-Za-z0-9-]+$`, PatternHint: idForm, Aliases: []string{"tag", "tag id"}},
			{Name: "case_status", Label: "Case status", Required: true, Kind: KindBool01,
				Help: "0 = closed, 1 = active", Aliases: []string{"status"}},
			{Name: "date_opened", Label: "Date opened", Required: true, Kind: KindDate, DateFormat: "mm/dd/yyyy",
				Aliases: []string{"opened"}},
			{Name: "about", Label: "About", Required: true, Unique: true, MaxLength: 255,
				Pattern: `^[A-Za-z0-9 -]+$`, PatternHint: "letters, digits, spaces and hyphens", Aliases: []string{"description"}},
		},
	}
}
