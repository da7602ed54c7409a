-- Which import last wrote a case (undo and "changed since" checks), the
-- lookup the importer runs most (type + external id), progress that pollers
-- read while a commit runs, and the domain on sessions so every table has one.
ALTER TABLE cases ADD COLUMN modified_by_import TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_type_ext ON cases (domain, case_type, external_id);
ALTER TABLE imports ADD COLUMN progress_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN progress_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN domain TEXT NOT NULL DEFAULT '';
