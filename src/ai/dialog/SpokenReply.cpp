#include "ai/dialog/SpokenReply.h"

#include <cctype>
#include <string_view>
#include <vector>

namespace rooms::ai {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Drops the markdown a model adds out of habit: headings, list markers, emphasis, code ticks, links (the
// link text stays), block quotes.
std::string stripMarkdown(const std::string& text) {
  std::string out;
  size_t lineStart = 0;
  while (lineStart <= text.size()) {
    size_t lineEnd = text.find('\n', lineStart);
    if (lineEnd == std::string::npos) lineEnd = text.size();
    std::string_view line(text.data() + lineStart, lineEnd - lineStart);
    while (!line.empty() && isSpace(line.front())) line.remove_prefix(1);
    while (!line.empty() && (line.front() == '#' || line.front() == '>')) line.remove_prefix(1);
    if (line.size() >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') {
      line.remove_prefix(2);
    }
    size_t digits = 0;
    while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
    if (digits > 0 && digits + 1 < line.size() && (line[digits] == '.' || line[digits] == ')') &&
        line[digits + 1] == ' ') {
      line.remove_prefix(digits + 2);
    }
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '*' || c == '_' || c == '`' || c == '~') continue;
      if (c == '[') {
        const size_t close = line.find("](", i);
        const size_t end = close == std::string_view::npos ? close : line.find(')', close);
        if (end != std::string_view::npos) {
          out.append(line.substr(i + 1, close - i - 1));
          i = end;
          continue;
        }
      }
      out += c;
    }
    // A line break becomes a sentence break if the line did not end one.
    if (!out.empty() && lineEnd < text.size()) {
      while (!out.empty() && isSpace(out.back())) out.pop_back();
      if (!out.empty() && out.back() != '.' && out.back() != '!' && out.back() != '?' && out.back() != ':' &&
          out.back() != ',') {
        out += '.';
      }
      out += ' ';
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

std::string collapseSpaces(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (isSpace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// "AI Orb: ...", "Orb: ..." and surrounding quotes are the model role-playing the transcript format.
std::string withoutLabelAndQuotes(std::string s) {
  for (std::string_view label : {"AI Orb:", "Orb:", "Assistant:", "AI:"}) {
    if (s.size() >= label.size()) {
      bool same = true;
      for (size_t i = 0; i < label.size(); ++i) {
        same = same && std::tolower(static_cast<unsigned char>(s[i])) ==
                           std::tolower(static_cast<unsigned char>(label[i]));
      }
      if (same) {
        s.erase(0, label.size());
        while (!s.empty() && s.front() == ' ') s.erase(0, 1);
        break;
      }
    }
  }
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

std::string speakableReply(const std::string& text, size_t maxChars, size_t maxSentences) {
  std::string s = withoutLabelAndQuotes(collapseSpaces(stripMarkdown(text)));
  bool hasWord = false;
  for (char c : s) hasWord = hasWord || std::isalnum(static_cast<unsigned char>(c));
  if (!hasWord) return "";
  // Sentence ends: ". ", "! ", "? " or the end of the text.
  std::vector<size_t> ends;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && (i + 1 == s.size() || s[i + 1] == ' '))
      ends.push_back(i + 1);
  }
  size_t cut = s.size();
  if (ends.size() > maxSentences) cut = ends[maxSentences - 1];
  if (cut > maxChars) {
    size_t best = 0;
    for (size_t e : ends) {
      if (e <= maxChars) best = e;
    }
    if (best > 0) {
      cut = best;
    } else {
      // One endless sentence: cut at a word and close it.
      const size_t space = s.rfind(' ', maxChars);
      s = s.substr(0, space == std::string::npos ? maxChars : space);
      while (!s.empty() && (s.back() == ',' || s.back() == ';' || s.back() == ':')) s.pop_back();
      return s + ".";
    }
  }
  s.resize(cut);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?') s += '.';
  return s;
}

}  // namespace rooms::ai
