package dev.arrowrpc.codegen.processor;

import java.io.IOException;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * The annotation processor for {@code @RpcService} interfaces. It checks each interface as the
 * runtime checks it when the interface is served or called (types the type catalog cannot map,
 * stream row and header types, overloaded and reserved names, the protocol name's grammar and the
 * version's form, {@code CallContext} on the interface), each refusal a compiler error on the
 * offending element, and writes for each interface that passes a descriptor class, {@code
 * <Interface>_ArrowRpc} in the interface's package (a nested interface's enclosing names joined by
 * {@code _}), implementing {@link dev.arrowrpc.core.generated.GeneratedService}: the protocol name
 * and version, each method's parameter names, so {@code javac -parameters} is no longer needed, and
 * the Arrow schemas derived from the declarations, which the runtime checks against its own;
 * and an invoker, {@code <Interface>_ArrowRpcInvoker}, implementing {@link
 * dev.arrowrpc.core.generated.GeneratedInvoker}, which reads and writes each method's parameters
 * (and a unary method's result) with the runtime's typed row accessors and calls the implementation
 * directly, with no reflection per call (a stream method's call opens its stream), and holds the
 * interface's client, which a client returns in place of a {@code java.lang.reflect.Proxy}.
 *
 * <p>Registered in {@code META-INF/services/javax.annotation.processing.Processor}; list rpc-codegen
 * under maven-compiler-plugin's {@code annotationProcessorPaths} (JDK 23 and later do not run
 * processors found on the class path unless asked).
 */
public final class RpcServiceProcessor extends AbstractProcessor {
  /** Creates the processor; javac does, through the service loader. */
  public RpcServiceProcessor() {}

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of("dev.arrowrpc.core.RpcService");
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (TypeElement annotation : annotations) {
      for (Element element : round.getElementsAnnotatedWith(annotation)) {
        ServiceCheck check = new ServiceCheck(processingEnv.getElementUtils(), processingEnv.getMessager(),
            new SourceAnnotations(processingEnv));
        check.check(element).ifPresent(this::write);
      }
    }
    return false;
  }

  private void write(ServiceModel service) {
    if (inaccessible(service.type())) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.WARNING,
          "no descriptor generated for a private interface: the runtime reads its parameter names from the"
              + " class file (javac -parameters)", service.type());
      return;
    }
    DescriptorSource descriptor = new DescriptorSource(service, processingEnv.getElementUtils());
    write(service, descriptor.qualifiedName(), descriptor.text());
    InvokerSource invoker = new InvokerSource(service, processingEnv.getElementUtils());
    if (invoker.applies()) {
      write(service, invoker.qualifiedName(), invoker.text());
    }
  }

  private void write(ServiceModel service, String qualifiedName, String text) {
    Filer filer = processingEnv.getFiler();
    try {
      JavaFileObject file = filer.createSourceFile(qualifiedName, service.type());
      try (Writer writer = file.openWriter()) {
        writer.write(text);
      }
    } catch (IOException e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          "cannot write " + qualifiedName + ": " + e.getMessage(), service.type());
    }
  }

  private static boolean inaccessible(Element type) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return true;
      }
    }
    return false;
  }

}
