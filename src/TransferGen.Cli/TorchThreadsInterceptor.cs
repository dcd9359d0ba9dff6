using Spectre.Console.Cli;

namespace TransferGen.Cli;

/// <summary>
/// Applies <see cref="TorchSetup.ConfigureThreads"/> before any command runs. An interceptor rather than a line in
/// <see cref="CliApp.Run"/> so that `--help` and `--version` never load LibTorch.
/// </summary>
internal sealed class TorchThreadsInterceptor : ICommandInterceptor
{
    /// <inheritdoc />
    public void Intercept(CommandContext context, CommandSettings settings) => TorchSetup.ConfigureThreads();
}
