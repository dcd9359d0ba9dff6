// Composition only: the commands live in Commands/, the error policy in CliApp.
return TransferGen.Cli.CliApp.Run(args);
