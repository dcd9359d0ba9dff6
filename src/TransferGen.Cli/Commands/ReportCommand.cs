using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.IO;
using TransferGen.Reports;
using TransferGen.RunReports;

namespace TransferGen.Cli.Commands;

/// <summary>`transfergen report RUN`: the run folder as one self-contained HTML file.</summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    /// <summary>Options of `report`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>The run folder.</summary>
        [CommandArgument(0, "<RUN>")]
        [Description("Run folder written by `transfergen finetune`, `pretrain` or `gan train`.")]
        public string Run { get; init; } = "";

        /// <summary>Where to write the report.</summary>
        [CommandOption("--out <FILE>")]
        [Description("Write the report to this file (default: RUN/report.html); an existing file is replaced only if it is a TransferGen report.")]
        public string? Out { get; init; }

        /// <summary>Skip the evaluation.</summary>
        [CommandOption("--no-evaluate")]
        [Description("Do not evaluate a classifier on its test split for the confusion matrix; show only heatmaps `transfergen evaluate` left in RUN.")]
        public bool NoEvaluate { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(settings.Out ?? Path.Combine(settings.Run, RunReport.FileName));
        // Refused before any work: a report replaces only an earlier report, never a file of the user's.
        if (Directory.Exists(path)) throw new InputException($"{path} is a folder; give the name of a file for the report.");
        if (File.Exists(path) && !HtmlReport.IsOurs(path))
            throw new InputException($"{path} already exists and is not a TransferGen report, so it is left alone; choose another file with --out.");
        var report = RunReport.Build(settings.Run, new RunReportOptions
        {
            Evaluate = !settings.NoEvaluate,
            Progress = message => CliConsole.Error.WriteLine(message),   // stderr: stdout says only where the report is
        });
        report.Write(path);
        Console.Out.WriteLine($"Report written to {path}");
        return 0;
    }
}
