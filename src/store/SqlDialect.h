#pragma once
// The store's SQL is written once, in the subset SQLite and PostgreSQL share, with SQLite's spelling of the
// few things that differ; these turn it into PostgreSQL's. Statements: "?" and "?N" placeholders become
// "$N". The schema history (store/Schema.cpp) is SQLite DDL: its types become PostgreSQL's (INTEGER is
// 64-bit in SQLite, so BIGINT; an INTEGER PRIMARY KEY is an identity column), and every table gets the
// explicit `rowid` identity column SQLite has implicitly, which the store orders some lists by.
#include <string>
#include <string_view>

namespace rooms {

// Text in single quotes, identifiers in double quotes and "--" comments are copied as they are.
std::string postgresPlaceholders(std::string_view sql);

std::string postgresSchema(std::string_view ddl);

}  // namespace rooms
