package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link Main#commandLine}: only the subcommand a command line names is built at start; and
 * picocli does not look for Groovy closures (a search through every jar on the class path).
 */
class SubcommandRegistrationTest {
  private static List<String> names(String... args) {
    return List.copyOf(Main.commandLine(args).getSubcommands().keySet());
  }

  private static final List<String> ALL = List.of("train", "cv", "path", "predict", "evaluate",
      "gradcheck", "devices", "generate", "bench", "convert", "help");

  @Test
  void aNamedSubcommandIsTheOnlyOneRegistered() {
    assertEquals(List.of("train"), names("train", "--data", "x.csv"));
    assertEquals(List.of("convert"), names("convert"));
    assertEquals(List.of("bench"), names("bench", "--help"));
  }

  @Test
  void everythingElseRegistersEverySubcommandInTheHelpsOrder() {
    assertEquals(ALL, names());
    assertEquals(ALL, names("help", "train"));
    assertEquals(ALL, names("--help"));
    assertEquals(ALL, names("trian"));
    assertEquals(ALL, names("--verbose", "train"));
  }

  @Test
  void theTopLevelHelpStillListsEverySubcommandAndAMisspellingIsStillSuggested() {
    Cli help = Cli.run("--help");
    assertEquals(0, help.code(), help.err());
    for (String name : ALL) {
      assertTrue(help.out().contains("  " + name + " ") || help.out().contains("  " + name
          + "\n"), name + " in " + help.out());
    }
    Cli typo = Cli.run("trian");
    assertEquals(Main.BAD_INPUT, typo.code());
    assertTrue(typo.err().contains("train"), typo.err());
  }

  @Test
  void picocliLooksForNoClosures() {
    Main.commandLine(new String[] {"train"});
    assertEquals("true", System.getProperty(Main.NO_CLOSURES));
  }

  @Test
  void aSubcommandsQualifiedNameIsUnchanged() {
    CommandLine cl = Main.commandLine(new String[] {"train"});
    assertEquals("descent train",
        cl.getSubcommands().get("train").getCommandSpec().qualifiedName());
  }
}
