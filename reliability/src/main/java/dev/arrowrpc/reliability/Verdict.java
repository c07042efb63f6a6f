package dev.arrowrpc.reliability;

import java.util.ArrayList;
import java.util.List;

/**
 * What one case came to: the answer it got and everything that went wrong around it. A case
 * passes when its answer was allowed and no problem was found.
 *
 * @param answer the class of answer (for the typed / accepted / closed columns)
 * @param problems what went wrong, empty when the case passed
 */
record Verdict(Answer.Kind answer, List<Problem> problems, String detail) {

  /** The ways a case fails, one column each. */
  enum Problem {
    /** No answer and no close within the time allowed. */
    HANG("hangs"),
    /** The worker process died, or a stdio worker ended with a non-zero status. */
    CRASH("crashes"),
    /** Something escaped: a stack trace on stderr, a 5xx, an empty 200, undecodable answer bytes. */
    ESCAPED("escaped"),
    /** The process's peak resident memory rose more than the bound above its baseline. */
    OVER_MEMORY("over-mem"),
    /** The server's allocators held bytes after the case was over. */
    LEAK("leaks"),
    /** The valid request sent after the case was not answered correctly. */
    UNUSABLE("unusable"),
    /** A request that must be refused was answered as if valid (data changed silently). */
    SILENT("silent");

    private final String column;

    Problem(String column) {
      this.column = column;
    }

    String column() {
      return column;
    }
  }

  boolean passed() {
    return problems.isEmpty();
  }

  /** Collects the problems of one case as it is judged. */
  static final class Builder {
    private final Answer.Kind answer;
    private final List<Problem> problems = new ArrayList<>();
    private final StringBuilder detail = new StringBuilder();

    Builder(Answer answer) {
      this.answer = answer.kind();
      detail.append(answer.kind()).append(' ').append(answer.detail());
    }

    Builder fail(Problem problem, String why) {
      if (!problems.contains(problem)) {
        problems.add(problem);
      }
      detail.append("; ").append(problem.column()).append(": ").append(why);
      return this;
    }

    Verdict build() {
      return new Verdict(answer, List.copyOf(problems), detail.toString());
    }
  }
}
