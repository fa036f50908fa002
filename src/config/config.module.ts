import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Environment } from './environment';

/**
 * Exposes an already-validated Environment through ConfigService<Environment, true>.
 * Validation happens once, before Nest starts (see main.ts), so a bad value is one line, not a trace.
 */
@Module({})
export class AppConfigModule {
  static forRoot(env: Environment): Promise<DynamicModule> {
    return ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validatePredefined: false,
      skipProcessEnv: true,
      validate: () => env,
    });
  }
}
