package dev.arrowrpc.bench;

import dev.arrowrpc.core.runtime.RpcServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The implementations under test: this project's benchmark service and the conformance peers. */
public final class Targets {
  private Targets() {}

  /**
   * This project's {@link BenchService}, served by {@link BenchWorker} or in-process.
   *
   * @return the target
   */
  public static Target bench() {
    return new Target() {
      @Override
      public String name() {
        return "arrow-rpc";
      }

      @Override
      public List<String> command(List<String> modeArgs) {
        List<String> args = new ArrayList<>(List.of("serve", "bench"));
        args.addAll(modeArgs);
        return Launcher.benchWorker(args);
      }

      @Override
      public boolean servesFlight() {
        return true;
      }

      @Override
      public Optional<RpcServer> inProcess() {
        return Optional.of(RpcServer.create(BenchService.class, new BenchServiceImpl()));
      }
    };
  }

  /**
   * The Java conformance peer: the project's conformance worker (system property {@code
   * bench.javaConformance}, its launcher) when it is built, else {@link ConformancePeerImpl} served
   * by {@link BenchWorker}.
   *
   * @return the target
   */
  public static Target javaPeer() {
    String launcher = System.getProperty("bench.javaConformance", "");
    boolean full = !launcher.isBlank() && Files.isExecutable(Path.of(launcher));
    return new Target() {
      @Override
      public String name() {
        return full ? "Java (conformance worker)" : "Java (bench subset)";
      }

      @Override
      public List<String> command(List<String> modeArgs) {
        if (full) {
          List<String> command = new ArrayList<>(List.of(launcher));
          command.addAll(modeArgs);
          return command;
        }
        List<String> args = new ArrayList<>(List.of("serve", "peer"));
        args.addAll(modeArgs);
        return Launcher.benchWorker(args);
      }
    };
  }

  /**
   * A reference worker run from an executable named by a system property.
   *
   * @param name the column heading
   * @param property the system property holding the executable's path
   * @param reasonProperty the system property saying why it is missing, if it is
   * @return the target
   */
  public static Target external(String name, String property, String reasonProperty) {
    String executable = System.getProperty(property, "");
    Optional<String> missing;
    if (executable.isBlank()) {
      missing = Optional.of(System.getProperty(reasonProperty, "not installed (" + property + " unset)"));
    } else if (!Files.isExecutable(Path.of(executable))) {
      missing = Optional.of("not executable: " + executable);
    } else {
      missing = Optional.empty();
    }
    return new Target() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<String> unavailable() {
        return missing;
      }

      @Override
      public List<String> command(List<String> modeArgs) {
        List<String> command = new ArrayList<>(List.of(executable));
        command.addAll(modeArgs);
        return command;
      }
    };
  }
}
