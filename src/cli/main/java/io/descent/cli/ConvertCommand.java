package io.descent.cli;

import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.DatasetCache;
import io.descent.data.ReadProgress;
import io.descent.loss.Loss;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent convert}: parses a CSV file into the binary cache that {@code --cache} reads,
 * ahead of the runs that will use it, and says where the copy is. The copy is keyed by the same
 * reading options as {@code train} reads with, so the same {@code --target}, {@code --loss},
 * {@code --features}, {@code --delimiter}, {@code --positive-label}, {@code --weight-column} and
 * {@code --one-vs-rest} make a later {@code --cache} run find it.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, sortOptions = false,
    description = "Parse a CSV file into the binary cache that --cache reads (see --cache), so"
        + " that train, cv, path, gradcheck and evaluate with --cache and the same reading"
        + " options (--target, --loss, --features, --delimiter, --positive-label,"
        + " --weight-column, --one-vs-rest) load it at disk speed. Prints where the copy is."
        + " A valid copy already there is kept; a copy that cannot be written is exit 1.")
final class ConvertCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  LossOption lossOption;

  @Option(names = "--weight-column", paramLabel = "NAME",
      description = "Read each row's weight from this column, as train --weight-column does.")
  String weightColumn;

  @Option(names = "--one-vs-rest",
      description = "Read the target as train --one-vs-rest does (a class target).")
  boolean oneVsRest;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Loss loss = CliSupport.loss(lossOption.kind);
    lossOption.noticeOldName(spec.commandLine().getParseResult(), spec.commandLine().getErr());
    if (data.target == null) {
      throw new Main.UsageException("convert needs --target");
    }
    if (oneVsRest && loss != Loss.LOGISTIC) {
      throw new Main.UsageException("--one-vs-rest is for --loss logistic, not " + loss.label());
    }
    data.files().check();
    if (Files.exists(data.data) && !Files.isRegularFile(data.data)) {
      // A pipe or a device: read once, with no file state a later run could find a copy by.
      throw new Main.UsageException("convert keeps a copy of a regular file, and --data "
          + data.data + " is not one (a pipe or a device): train, cv and path read such input"
          + " as it comes, with or without --cache");
    }
    data.cache.cache = true;
    // Writing the copy is this command's whole work: a copy that could not be written fails
    // it (one error line, the notice's reason), where train and the others only lose the
    // speed; other notices (a damaged copy ignored) are printed as they come.
    List<String> unwritten = new ArrayList<>();
    PrintWriter err = data.err();
    DatasetCache cache = data.cache.open(data.data, err).withNotices(line -> {
      if (line.startsWith(DatasetCache.NOT_WRITTEN)) {
        unwritten.add(line);
      } else {
        err.println("descent: " + line);
        err.flush();
      }
    });
    CsvReader reader = CliSupport.reader(data, oneVsRest ? Loss.MULTINOMIAL : loss, true, null,
        null, null, List.of(), ReadProgress.NONE, weightColumn);
    Path copy = cache.copyPath(data.data, reader);
    // A Ctrl-C says what was interrupted and whether the copy was written, as train's does,
    // up to the command's last line: one that comes once the copy is in place names it written.
    try (Interrupts.Activity activity = Interrupts.activity(err, "reading " + data.data
        + " and writing its copy", copy)) {
      activity.writtenWhen(copy, () -> cache.wrote(copy));
      Dataset dataset = cache.read(data.data, reader);
      if (cache.cached(data.data, reader).isEmpty()) {
        throw new IllegalStateException(unwritten.isEmpty() ? "no cached copy of " + data.data
            + " could be written in " + cache.directory() : unwritten.get(0));
      }
      activity.doing("reporting the copy", copy + (cache.wrote(copy) ? " written"
          : " in place from an earlier run"));
      unwritten.forEach(line -> err.println("descent: " + line)); // the standardization's
      out.println("cached " + data.data + " (" + dataset.rows() + " rows x "
          + dataset.features() + " features) in " + copy);
      out.flush();
    }
    return Main.OK;
  }
}
