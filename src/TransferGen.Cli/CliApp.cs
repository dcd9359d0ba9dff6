using System.Runtime.InteropServices;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Cli.Commands;
using TransferGen.Cli.Commands.Gan;
using TransferGen.Training;

namespace TransferGen.Cli;

/// <summary>Builds the `transfergen` command tree and turns failures into one sentence and an exit code.</summary>
public static class CliApp
{
    /// <summary>Exit code for bad input the user can fix (missing path, corrupt file, bad option).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for an internal error or an environment that cannot run TransferGen.</summary>
    public const int InternalError = 1;

    /// <summary>Exit code of a run stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Exit code of a run stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;

    // The signal that stopped the command (SIGTERM changes the exit code from 130 to 143), and the command itself.
    static PosixSignal? stoppedBy;
    static string[]? stoppedCommand;

    // Commands that stop cleanly after the current batch (writing a checkpoint where they have a run folder). Any other
    // command is ended by the first Ctrl-C at once, as usual.
    static readonly string[][] StopAfterBatch = [["finetune"], ["pretrain"], ["lr-find"], ["gan", "train"], ["bench", "transfer"], ["bench", "gan-transfer"], ["augment"]];

    /// <summary>Runs the tool with the given arguments and returns its exit code.</summary>
    public static int Run(string[] args)
    {
        var verbose = args.Contains("--verbose");
        using var stop = new CancellationTokenSource();
        using var sigint = OnSignal(PosixSignal.SIGINT, args, stop);
        using var sigterm = OnSignal(PosixSignal.SIGTERM, args, stop);
        var app = new CommandApp();
        app.Configure(config =>
        {
            Configure(config);
            config.SetInterceptor(new TorchThreadsInterceptor());
            config.UseStrictParsing();
            config.PropagateExceptions();
        });
        try
        {
            return app.Run(args, stop.Token);
        }
        catch (Exception e)
        {
            return Report(e, verbose);
        }
    }

    /// <summary>
    /// The first SIGINT/SIGTERM during a command that can stop after a batch cancels <paramref name="stop"/> (the
    /// process keeps running until the command returns); a second one, or one during any other command, ends the
    /// process as usual.
    /// </summary>
    static PosixSignalRegistration OnSignal(PosixSignal signal, string[] args, CancellationTokenSource stop) =>
        PosixSignalRegistration.Create(signal, context =>
        {
            var command = StopAfterBatch.FirstOrDefault(path => args.Take(path.Length).SequenceEqual(path));
            if (stop.IsCancellationRequested || command is null) return;
            stoppedCommand = command;
            context.Cancel = true;
            stoppedBy = signal;
            stop.Cancel();
            // Through the stderr console, so a live progress display draws it above itself instead of over it.
            CliConsole.Error.WriteLine();
            CliConsole.Error.WriteLine("Stopping after the current batch (press Ctrl-C again to quit at once).");
        });

    /// <summary>
    /// Registers every command, the help provider and the parsing rules; shared with the in-process tests. Each command's
    /// description is one line for the listings, optionally followed (<see cref="CliHelpProvider.Describe"/>) by an
    /// explanation that only its own `--help` shows.
    /// </summary>
    public static void Configure(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.SetApplicationName("transfergen");
        config.SetApplicationVersion(typeof(CliApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        config.SetHelpProvider(new CliHelpProvider(config.Settings));
        // Also set by Run; here too so that in-process tests parse exactly as the tool does.
        config.UseStrictParsing();
        config.AddCommand<QuickstartCommand>("quickstart")
            .WithDescription(CliHelpProvider.Describe(
                "Start here: pretrained vs scratch on few labels, a small GAN and its scores, in one report.",
                "Fine-tunes the ImageNet ResNet18 and the same network from scratch on --labels-per-class images per class, trains a "
                + "conditional GAN with DiffAugment on them, scores it (FID against the real floor, precision, recall, class agreement) and "
                + "fine-tunes on real + generated images; writes the runs, quickstart.json and a self-contained report.html into --out."))
            .WithExample("quickstart")
            .WithExample("quickstart", "--out", "runs/quickstart", "--overwrite");
        config.AddBranch("data", data =>
        {
            data.SetDescription("Inspect datasets.");
            data.AddCommand<DataInfoCommand>("info")
                .WithDescription("Show a dataset's format, classes, image shape and per-class counts; --grid draws examples.")
                .WithExample("data", "info", "fashion-mnist", "--grid", "samples.png")
                .WithExample("data", "info", "./my-images", "--json");
        });
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Measure speed and quality with fixed, reproducible workloads.");
            bench.AddCommand<BenchThroughputCommand>("throughput")
                .WithDescription(CliHelpProvider.Describe(
                    "Images/s of a ResNet18 training step (W1), ResNet18 inference (W2) and a DCGAN step (W3).",
                    "Medians of timed repetitions after untimed warm-up ones, on this machine's CPU; --variants measures each "
                    + "workload's defaults against one-change variants (threads, channels-last, ...) interleaved in the same run."))
                .WithExample("bench", "throughput", "--json")
                .WithExample("bench", "throughput", "--variants");
            bench.AddCommand<BenchGanCommand>("gan")
                .WithDescription(CliHelpProvider.Describe(
                    "FID/KID per epoch of DCGAN and the conditional DCGAN trained on the same budget.",
                    "Also scores real train images against real test images: the floor no generator can beat. Writes results.json, "
                    + "results.md, fid.png, the final sample grids and the run folders into --out."))
                .WithExample("bench", "gan", "--out", "bench/gan");
            bench.AddCommand<BenchGanTransferCommand>("gan-transfer")
                .WithDescription(CliHelpProvider.Describe(
                    "Small-data GAN recipes: scratch, DiffAugment, ADA, TransferGAN (+ FreezeD, + DiffAugment), projected.",
                    "A source cDCGAN trains once on all images of Fashion-MNIST classes 0-4; each method then trains the same D+G steps on 100 "
                    + "images per class of classes 5-9, scored with FID/KID against their 5,000 test images every 500 steps, over 3 seeds. "
                    + "--data, --source-classes and --target-classes run the same comparison on another dataset."))
                .WithExample("bench", "gan-transfer", "--out", "bench/gan-transfer")
                .WithExample("bench", "gan-transfer", "--out", "bench/gan-transfer", "--resume")
                .WithExample("bench", "gan-transfer", "--quick", "--out", "/tmp/gt")
                .WithExample("bench", "gan-transfer", "--data", "data/digits", "--source-epochs", "50", "--out", "bench/gan-transfer-digits");
            bench.AddCommand<BenchGanStepCommand>("gan-step")
                .WithDescription(CliHelpProvider.Describe(
                    "Seconds per `gan train` step: DCGAN's discriminator beside pretrained-feature ones.",
                    "Times GanStep (one D and one G update, batch 64, the 32-px DCGAN generator) for plain DCGAN and each "
                    + "RESOLUTION:STAGES candidate, one step of each in turn so all see the same machine load; medians reported."))
                .WithExample("bench", "gan-step")
                .WithExample("bench", "gan-step", "--candidates", "64:layer1,layer2,layer3;128:layer2,layer3", "--json");
            bench.AddCommand<BenchMemoryCommand>("memory")
                .WithDescription("RSS and live tensors over thousands of small fine-tune and GAN steps: memory must stay flat")
                .WithExample("bench", "memory")
                .WithExample("bench", "memory", "--steps", "5000", "--json");
            bench.AddCommand<BenchFuzzCommand>("fuzz")
                .WithDescription(CliHelpProvider.Describe(
                    "Seeded mutation fuzzing of every file format TransferGen reads: each damaged file is read or refused.",
                    "Bit flips, truncations, length- and dimension-field damage and appended garbage to valid small IDX, CIFAR, PNG, JPEG, "
                    + "BMP, WebP, ONNX, .pt, .safetensors files and run folders; a crash, hang or allocation beyond --memory-cap fails the case."))
                .WithExample("bench", "fuzz", "--seconds", "60")
                .WithExample("bench", "fuzz", "--seconds", "600", "--seed", "7", "--failures", "fuzz-failures");
            bench.AddCommand<BenchTransferCommand>("transfer")
                .WithDescription(CliHelpProvider.Describe(
                    "Test accuracy and time of from-scratch vs linear probe vs fine-tune at several label budgets.",
                    "Each run is one finetune with the same epochs, batch size, image size and seed: scratch (--from-scratch --freeze none), "
                    + "probe (--freeze all) and finetune (--freeze auto), by default at 10, 100 and 1000 labels per class and the full "
                    + "training set, each scored on the whole test split."))
                .WithExample("bench", "transfer", "--out", "bench/transfer")
                .WithExample("bench", "transfer", "--out", "bench/transfer", "--resume")
                .WithExample("bench", "transfer", "--quick", "--json");
        });
        config.AddBranch("gan", gan =>
        {
            gan.SetDescription("Train GANs, sample from them and evaluate them.");
            gan.AddCommand<GanTrainCommand>("train")
                .WithDescription("Train a GAN (mlp, dcgan, cdcgan) into a run folder, or --resume one.")
                .WithExample("gan", "train", "--data", "fashion-mnist", "--arch", "dcgan", "--out", "runs/dcgan", "--epochs", "5")
                .WithExample("gan", "train", "--resume", "runs/dcgan", "--epochs", "10");
            gan.AddCommand<GanSampleCommand>("sample")
                .WithDescription("Generate images from a trained run: a folder (ImageFolder), a grid PNG or an interpolation strip.")
                .WithExample("gan", "sample", "--model", "runs/dcgan", "-n", "64", "--out", "grid.png");
            gan.AddCommand<GanEvaluateCommand>("evaluate")
                .WithDescription("FID/KID of a run's generator against the real test split, with the real-vs-real floor.")
                .WithExample("gan", "evaluate", "--model", "runs/dcgan", "--data", "fashion-mnist", "-n", "1000");
        });
        config.AddCommand<FidCommand>("fid")
            .WithDescription(CliHelpProvider.Describe(
                "FID and KID between two image sets (dataset names or folders).",
                "The report states the feature network and the resize it used: scores compare only when those are the same."))
            .WithExample("fid", "fashion-mnist", "./generated", "--features", "pixels", "--json");
        config.AddCommand<BackbonesCommand>("backbones")
            .WithDescription(CliHelpProvider.Describe(
                "List the backbones: feature size, native input size, weights, stages, licence.",
                "The run folder of a `pretrain` or `finetune` is a backbone too (--backbone RUN)."));
        config.AddCommand<PretrainCommand>("pretrain")
            .WithDescription(CliHelpProvider.Describe(
                "Train a backbone from random weights on a source dataset, for `finetune --backbone RUN`.",
                "Every parameter trains at --lr (finetune --from-scratch --freeze none --backbone-lr-factor 1, with the same options); "
                + "the run folder it writes is a backbone that `finetune --backbone RUN` starts from. --resume RUN continues a run."))
            .WithExample("pretrain", "--data", "./cifar-10-batches-bin", "--arch", "resnet18", "--out", "runs/source", "--epochs", "20", "--image-size", "32")
            .WithExample("pretrain", "--resume", "runs/source");
        config.AddCommand<AugmentCommand>("augment")
            .WithDescription(CliHelpProvider.Describe(
                "Fine-tune on K labels per class with and without images generated by a cDCGAN trained on them.",
                "Per seed: the fine-tune on the real labelled images (exactly `finetune` with the same options and seed), a cDCGAN "
                + "with DiffAugment on the same images, --synthetic-per-class images per class drawn from it, and the same fine-tune on "
                + "real + generated images at --synthetic-ratio. Prints real-only against real + generated test accuracy as mean ± std "
                + "and writes results.json, results.md and seed-N/ run folders into --out."))
            .WithExample("augment", "--data", "fashion-mnist", "--labels-per-class", "10", "--backbone", "resnet18-imagenet", "--out", "runs/augment")
            .WithExample("augment", "--resume", "runs/augment");
        config.AddCommand<FineTuneCommand>("finetune")
            .WithDescription(CliHelpProvider.Describe(
                "Fine-tune a backbone (a registry name or a run folder) on a dataset into a run folder.",
                "By default (--freeze auto) a linear head is trained on cached backbone features first, then the whole network with "
                + "the backbone at --lr x --backbone-lr-factor. --resume RUN continues a killed run from its last checkpoint."))
            .WithExample("finetune", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--out", "runs/r18", "--labels-per-class", "100")
            .WithExample("finetune", "--data", "fashion-mnist", "--backbone", "runs/source", "--out", "runs/target", "--labels-per-class", "100")
            .WithExample("finetune", "--resume", "runs/r18");
        config.AddCommand<LrFindCommand>("lr-find")
            .WithDescription(CliHelpProvider.Describe("Learning-rate range test of the fine-tune the same options describe: suggests --lr.", LrFindCommand.Details))
            .WithExample("lr-find", "--data", "fashion-mnist", "--backbone", "resnet18-imagenet", "--labels-per-class", "100", "--out", "runs/lr")
            .WithExample("lr-find", "--data", "./my-images", "--backbone", "resnet18", "--weights", "resnet18.pth", "--freeze", "until:layer2", "--json");
        config.AddCommand<PredictCommand>("predict")
            .WithDescription("Show the most likely classes of image files under a fine-tuned model.")
            .WithExample("predict", "--model", "runs/r18", "shoe.png", "--json");
        config.AddCommand<ExportCommand>("export")
            .WithDescription(CliHelpProvider.Describe("Export a fine-tuned classifier or a GAN generator as an ONNX file (ONNX Runtime, ML.NET).", ExportCommand.Details))
            .WithExample("export", "--model", "runs/r18", "--out", "r18.onnx")
            .WithExample("export", "--model", "runs/cdcgan", "--out", "cdcgan.onnx", "--json");
        config.AddCommand<EvaluateCommand>("evaluate")
            .WithDescription("Evaluate a fine-tuned model on a dataset split.")
            .WithExample("evaluate", "--model", "runs/r18", "--data", "fashion-mnist", "--json");
        config.AddCommand<ReportCommand>("report")
            .WithDescription(CliHelpProvider.Describe(
                "Write a run folder (finetune, pretrain, gan train) as one self-contained HTML report.",
                "Configuration, results, training curves, the confusion matrix on the test split (a classifier, evaluated now) or the "
                + "sample grids (a GAN), and the command that reproduces the run; images embedded, no scripts, nothing fetched."))
            .WithExample("report", "runs/r18")
            .WithExample("report", "runs/dcgan", "--out", "dcgan-report.html");
    }

    /// <summary>Prints one sentence for <paramref name="e"/> on stderr and returns the exit code.</summary>
    public static int Report(Exception e, bool verbose)
    {
        var (message, code) = Classify(e);
        if (code == Interrupted)
        {
            Console.Error.WriteLine($"interrupted: {message}.");
            return stoppedBy == PosixSignal.SIGTERM ? Terminated : Interrupted;
        }
        Console.Error.WriteLine($"error: {message}");
        if (verbose) Console.Error.WriteLine(e.ToString());
        else if (code == InternalError) Console.Error.WriteLine("(run again with --verbose to see the stack trace)");
        return code;
    }

    /// <summary>Where the run stopped and the command that continues it.</summary>
    static string Stopped(TrainingCancelledException stopped)
    {
        var where = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"stopped in epoch {stopped.Epoch + 1} after batch {stopped.BatchesDone}");
        if (stopped.RunFolder is not { } run) return stopped.Message;
        return stoppedCommand switch
        {
            ["bench", "transfer"] => $"{where}; its checkpoint is in {run}: run the same `transfergen bench transfer` command with --resume to continue",
            ["bench", "gan-transfer"] => $"{where}; its checkpoint is in {run}: run the same `transfergen bench gan-transfer` command with --resume to continue",
            { } command => $"{where}; the checkpoint is in {run}: `transfergen {string.Join(' ', command)} --resume {run}` continues from there",
            null => stopped.Message,
        };
    }

    /// <summary>Maps an exception to the sentence the user sees and the exit code.</summary>
    public static (string Message, int Code) Classify(Exception e)
    {
        for (var inner = e; inner != null; inner = inner.InnerException)
        {
            if (inner is TrainingCancelledException stopped) return (Stopped(stopped), Interrupted);
            if (inner is OperationCanceledException) return ("stopped before training began; nothing was saved", Interrupted);
            if (inner is InvalidOptionException option) return (option.Render(OptionFlags.Flag), BadInput);
            if (inner is InputException input) return (input.Message, BadInput);
            if (inner is CommandParseException or CommandRuntimeException)
                // A numeric option without its value fails to convert Spectre's stand-in (see CommonSettings.MissingValue).
                return (inner.Message.Contains($"'{Commands.CommonSettings.MissingValue}'", StringComparison.Ordinal)
                    ? "An option is missing its value." : inner.Message, BadInput);
        }
        // A refusal of the environment (read-only, full disk) that no writer turned into a sentence naming its file.
        for (var inner = e; inner != null; inner = inner.InnerException)
            if (IO.FileErrors.Describe(inner) is { } refused) return (refused, BadInput);
        if (LibTorchLoadFailure(e) is { } why)
            return ($"LibTorch could not be loaded ({why}); rebuild with `dotnet build` on this machine (the build patches "
                    + "TorchSharp for older libstdc++) or install a libstdc++ that provides GLIBCXX_3.4.32.", InternalError);
        return ($"unexpected internal error: {FirstLine(e.GetBaseException().Message)}", InternalError);
    }

    static string? LibTorchLoadFailure(Exception e)
    {
        for (var inner = e; inner != null; inner = inner.InnerException)
        {
            if (inner is DllNotFoundException) return inner.Message;
            // A LibTorch runtime error (ExternalException) proves the library loaded, though its trace names libtorch_cpu.so.
            if (inner is System.Runtime.InteropServices.ExternalException) return null;
            if (inner.Message.Contains("LibTorchSharp", StringComparison.Ordinal) || inner.Message.Contains("libtorch", StringComparison.OrdinalIgnoreCase))
                return FirstLine(inner.Message);
        }
        return null;
    }

    static string FirstLine(string s)
    {
        var end = s.IndexOfAny(['\r', '\n']);
        return (end < 0 ? s : s[..end]).TrimEnd('.');
    }
}
