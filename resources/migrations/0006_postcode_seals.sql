-- Warehouse schema, version 6: the postcode dictionary is sealed. Every report joins pageviews to their
-- postcode's text through this table, so a text changed afterwards moves pageviews to another postcode in
-- every answer. Each row carries the seal of its id and text (models/core/postcodeseal.h), written by the
-- load that adds it; the setting 'postcode_count' is the number of ids the loads have handed out (ids are
-- dense, from 0). check recomputes both. The migration's C++ step seals the rows already there, as they
-- read at the upgrade: what happened to them before cannot be proved.
ALTER TABLE postcodes ADD COLUMN seal INTEGER;
