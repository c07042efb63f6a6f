package dev.arrowrpc.codegen.cli;

import java.util.ArrayList;
import java.util.List;

/** Splits a {@code --cmd} command into words the way a POSIX shell would, for the simple cases. */
final class Shell {
  /** Characters that need a real shell: pipes, redirections, lists, substitutions, globs. */
  private static final String SPECIAL = "|&;<>()$`*?[]{}~#";

  private Shell() {}

  /**
   * Splits a command: whitespace separates words; single quotes keep everything, double quotes keep
   * all but {@code \"} and {@code \\}; a backslash outside quotes escapes the next character. A
   * command that uses shell syntax beyond that (an unquoted {@code | & ; < > ( ) $ `} and globs)
   * runs as {@code sh -c COMMAND} instead.
   *
   * @param command the command
   * @return the argv
   * @throws UsageException when the command is empty or a quote is not closed
   */
  static List<String> split(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (c == '\'') {
        int end = command.indexOf('\'', i + 1);
        if (end < 0) {
          throw new UsageException("--cmd: unclosed single quote in: " + command);
        }
        word.append(command, i + 1, end);
        inWord = true;
        i = end;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < command.length() && command.charAt(j) != '"'; j++) {
          char d = command.charAt(j);
          if (d == '$' || d == '`') {
            return List.of("sh", "-c", command);
          }
          if (d == '\\' && j + 1 < command.length() && "\"\\$`".indexOf(command.charAt(j + 1)) >= 0) {
            j++;
            d = command.charAt(j);
          }
          word.append(d);
        }
        if (j >= command.length()) {
          throw new UsageException("--cmd: unclosed double quote in: " + command);
        }
        inWord = true;
        i = j;
      } else if (c == '\\') {
        if (i + 1 < command.length()) {
          word.append(command.charAt(++i));
          inWord = true;
        }
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (SPECIAL.indexOf(c) >= 0 && !(c == '~' && inWord) && !(c == '#' && inWord)) {
        return List.of("sh", "-c", command);
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    if (words.isEmpty()) {
      throw new UsageException("--cmd: the command is empty");
    }
    return List.copyOf(words);
  }
}
