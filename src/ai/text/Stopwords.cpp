#include "ai/text/Stopwords.h"

#include <unordered_set>

namespace rooms::ai {

bool isStopword(std::string_view w) {
  static const std::unordered_set<std::string_view> kWords = {
      // function words
      "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
      "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
      "could", "did", "do", "does", "doing", "done", "down", "during", "each", "either", "else", "enough",
      "even", "ever", "every", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
      "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is",
      "it", "its", "itself", "just", "least", "less", "many", "may", "me", "might", "mine", "more", "most",
      "much", "must", "my", "myself", "neither", "no", "nor", "not", "now", "of", "off", "often", "on",
      "once", "one", "only", "or", "other", "others", "our", "ours", "ourselves", "out", "over", "own", "per",
      "same", "shall", "she", "should", "since", "so", "some", "such", "than", "that", "the", "their",
      "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "though", "through",
      "to", "too", "toward", "towards", "under", "until", "up", "upon", "us", "very", "via", "was", "we",
      "were", "what", "whatever", "when", "where", "whether", "which", "while", "who", "whoever", "whom",
      "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours", "yourself",
      "yourselves", "whole", "another", "anything", "everything", "nothing", "something", "someone",
      "somebody", "anyone", "anybody", "everyone", "everybody", "nobody", "none", "somewhere", "anywhere",
      "everywhere", "nowhere", "though", "although", "unless", "whereas", "along", "across", "around",
      "behind", "beside", "besides", "beyond", "inside", "outside", "onto", "among", "already", "always",
      "never", "sometimes", "usually", "still", "soon", "later", "instead", "almost", "quite", "rather",
      "less", "lot", "lots", "bit", "two", "three", "four", "five", "first", "second", "next", "last", "able",
      "via",
      // contractions
      "i'm", "i've", "i'll", "i'd", "you're", "you've", "you'll", "you'd", "he's", "she's", "it's", "we're",
      "we've", "we'll", "we'd", "they're", "they've", "they'll", "they'd", "that's", "there's", "here's",
      "what's", "who's", "where's", "how's", "let's", "isn't", "aren't", "wasn't", "weren't", "don't",
      "doesn't", "didn't", "haven't", "hasn't", "hadn't", "won't", "wouldn't", "can't", "cannot", "couldn't",
      "shouldn't", "mustn't", "ain't", "gonna", "wanna", "gotta", "y'know", "that'll", "there'll", "it'll",
      "it'd", "that'd", "c'mon", "kinda", "sorta",
      // fillers, hedges and backchannels
      "yeah", "yes", "yep", "yup", "no", "nope", "okay", "ok", "oh", "ah", "uh", "um", "umm", "uhm", "hmm",
      "mm", "mhm", "er", "erm", "hey", "hi", "hello", "bye", "well", "like", "really", "actually",
      "basically", "literally", "honestly", "totally", "definitely", "absolutely", "exactly", "probably",
      "maybe", "perhaps", "certainly", "surely", "sure", "right", "alright", "pretty", "kind", "sort",
      "stuff", "thing", "things", "way", "ways", "anyway", "anyways", "guess", "mean", "means", "meant",
      "great", "good", "fine", "nice", "cool", "wow", "thanks", "thank", "please", "sorry", "course",
      "indeed", "true", "whatever", "etc", "lol", "huh", "gosh", "wait", "exact", "awesome", "yay",
      // generic verbs of conversation
      "get", "gets", "getting", "got", "gotten", "go", "goes", "going", "went", "gone", "make", "makes",
      "making", "made", "take", "takes", "taking", "took", "taken", "come", "comes", "coming", "came", "know",
      "knows", "knew", "known", "knowing", "think", "thinks", "thinking", "thought", "say", "says", "saying",
      "said", "tell", "tells", "telling", "told", "talk", "talks", "talking", "talked", "want", "wants",
      "wanted", "wanting", "need", "needs", "needed", "feel", "feels", "felt", "feeling", "see", "sees",
      "seeing", "saw", "seen", "look", "looks", "looking", "looked", "let", "lets", "put", "puts", "use",
      "uses", "used", "using", "try", "tries", "trying", "tried", "keep", "keeps", "kept", "give", "gives",
      "gave", "given", "find", "found", "seem", "seems", "seemed", "happen", "happens", "happened", "start",
      "started", "starting", "ask", "asked", "asking", "mention", "mentioned", "sound", "sounds", "sounded",
      "hear", "heard", "understand", "agree", "remember", "bring", "call", "called", "become", "became",
      "end", "ended", "lets", "doing", "did", "done", "gotcha", "wonder",
      // time words: deadlines, not topics
      "today", "tomorrow", "yesterday", "tonight", "week", "weeks", "month", "months", "year", "years", "day",
      "days", "time", "times", "minute", "minutes", "hour", "hours", "moment", "monday", "tuesday",
      "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "ago", "earlier", "lately",
      "recently", "currently", "session",
      // generic nouns and roles of the session itself
      "people", "person", "everyone", "idea", "ideas", "point", "points", "part", "question", "questions",
      "answer", "coach", "client", "orb", "ai", "sense", "example", "situation", "place", "level", "number",
      "side", "case", "area", "areas", "terms", "fact", "reason", "start", "piece", "bunch", "couple", "lot",
      "little", "big", "new", "old", "different", "important", "whole", "real", "able", "hard", "easy",
      "certain", "sure", "small", "high", "low", "long", "short", "better", "best", "worse", "bad"};
  return kWords.contains(w);
}

}  // namespace rooms::ai
